import v8 from 'node:v8';
import vm from 'node:vm';

import { logger } from '../logging/logger.js';

// Streaming a document allocates a few short-lived buffers per 64 KiB chunk
// (socket reads, bytea decoding, libsodium output). Many survive an await on
// the database long enough to reach V8's old generation, whose ArrayBuffers
// are freed only by a full collection, and V8 schedules one only after
// external memory grew by about 64 MiB. Measured on a 200 MiB transfer, that
// floating garbage alone took the vault ~100 MiB above idle, against about
// 40 MiB when a full collection runs every few MiB. So streams report their
// bytes here and a full collection is requested every STREAM_GC_INTERVAL.

const STREAM_GC_INTERVAL_BYTES = 8 * 1024 * 1024;

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let collect: GcFunction | null | undefined;
let bytesSinceCollection = 0;

/**
 * Counts bytes streamed through the vault and requests a full garbage
 * collection after every 8 MiB. A no-op where V8 refuses to expose `gc`.
 */
export function noteStreamedBytes(byteCount: number): void {
  bytesSinceCollection += byteCount;
  if (bytesSinceCollection < STREAM_GC_INTERVAL_BYTES) return;
  bytesSinceCollection = 0;
  gcFunction()?.({ type: 'major', execution: 'async' });
}

// --expose-gc set at run time makes `gc` visible only in contexts created
// afterwards, hence the new context.
function gcFunction(): GcFunction | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as GcFunction;
  } catch (error) {
    logger.warn('garbage collector not available; streams rely on V8 scheduling', { error });
    collect = null;
  }
  return collect;
}
