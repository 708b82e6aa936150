import sodium from 'libsodium-wrappers';

type Sodium = typeof sodium;

let loading: Promise<Sodium> | undefined;

/**
 * Loads libsodium-wrappers and waits for its WebAssembly to initialise. The first call
 * starts the load and every later call returns the same promise. Other folders may call
 * it at startup to fail early, but only files in `crypto/` call libsodium functions.
 */
export async function loadSodium(): Promise<Sodium> {
  loading ??= initialise();
  return loading;
}

async function initialise(): Promise<Sodium> {
  await sodium.ready;
  return sodium;
}
