import { describe, expect, it } from 'vitest';

import { parseAuditSummary } from '../../bench/suite/audit.js';

// The fields of `npm run bench:audit`'s summary that bench/suite/audit.ts reads, with made-up values.
const SUMMARY = {
  date: '2026-12-04T20:00:00.000Z',
  appends: [
    { concurrency: 8, chainedPerSecond: { median: 691, min: 680, max: 750 }, plainPerSecond: { median: 3058, min: 2880, max: 3100 }, ratio: { median: 0.24, min: 0.22, max: 0.25 } },
  ],
  verification: { database: { entriesPerSecond: { median: 29815, min: 28124, max: 30348 } } },
  targets: {
    appendRatioAt8: { target: 0.5, median: 0.24, met: false },
    verifyEntriesPerSecond: { target: 200000, median: 29815, met: false },
  },
};

describe('parseAuditSummary', () => {
  it('reads the summary after other output', () => {
    const summary = parseAuditSummary(`warning: something\n${JSON.stringify(SUMMARY, null, 2)}\n`);
    expect(summary.appends[0]?.ratio.median).toBe(0.24);
    expect(summary.targets.verifyEntriesPerSecond.met).toBe(false);
  });

  it('names a missing field', () => {
    const { verification: _dropped, ...withoutVerification } = SUMMARY;
    expect(() => parseAuditSummary(JSON.stringify(withoutVerification))).toThrow('no verification.database.entriesPerSecond.median');
  });
});
