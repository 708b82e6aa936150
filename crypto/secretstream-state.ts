import type { StateAddress } from 'libsodium-wrappers';

import type { loadSodium } from './sodium.js';

type Sodium = Awaited<ReturnType<typeof loadSodium>>;

/** The parts of the Emscripten module that libsodium-wrappers exposes as `sodium.libsodium`. */
interface EmscriptenHeap {
  HEAPU8: Uint8Array;
  _free(address: number): void;
  _crypto_secretstream_xchacha20poly1305_statebytes(): number;
}

/**
 * Zeroes and frees a secretstream state in the WebAssembly heap. libsodium-wrappers 0.7.16
 * mallocs the state in init_push and init_pull and never frees it, so each stream would
 * otherwise leave about 56 bytes, including the stream's subkey, in a heap that never
 * shrinks. Call it once, after the last push or pull on that state.
 */
export function releaseSecretstreamState(sodium: Sodium, state: StateAddress): void {
  // The wrapper types the state as an object, but at run time it is a heap address.
  const address = state as unknown as number;
  const heap = (sodium as unknown as { libsodium?: Partial<EmscriptenHeap> }).libsodium;
  if (
    typeof address !== 'number' ||
    heap?.HEAPU8 === undefined ||
    heap._free === undefined ||
    heap._crypto_secretstream_xchacha20poly1305_statebytes === undefined
  ) {
    // NOTE: another libsodium-wrappers build may not expose its heap, and then the state leaks.
    return;
  }
  const size = heap._crypto_secretstream_xchacha20poly1305_statebytes();
  heap.HEAPU8.fill(0, address, address + size);
  heap._free(address);
}
