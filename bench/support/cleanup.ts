// Cleanups of what the benchmarks started (vault processes, databases,
// servers), so that the run's time limit can stop everything it left open.

const pending = new Set<() => Promise<void>>();

/** Registers a cleanup and returns a function that runs it once and unregisters it. */
export function onCleanup(cleanup: () => Promise<void>): () => Promise<void> {
  let done = false;
  const runOnce = async (): Promise<void> => {
    if (done) return;
    done = true;
    pending.delete(runOnce);
    await cleanup();
  };
  pending.add(runOnce);
  return runOnce;
}

/** Runs every registered cleanup, newest first, and reports failures without stopping. */
export async function runAllCleanups(): Promise<void> {
  for (const cleanup of [...pending].reverse()) {
    await cleanup().catch((error: unknown) => process.stderr.write(`bench: a cleanup failed: ${String(error)}\n`));
  }
}
