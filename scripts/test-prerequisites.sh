#!/usr/bin/env bash
# Installs, from Debian's packages, the two system tools that `npm test`
# needs and npm cannot provide: Chromium for the browser tests and the
# PostgreSQL client (pg_dump, pg_restore) for the backup tests. It runs
# before the tests (npm's pretest), so `npm ci && npm test` works on a fresh
# machine. Without root it prints the command to run instead of failing here;
# the tests that need a missing tool then fail and name it.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test prerequisites missing: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi

echo "installing test prerequisites from Debian's packages: ${missing[*]}"
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
