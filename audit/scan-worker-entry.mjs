// Entry of the verification worker threads. The vault runs its TypeScript
// through tsx, whose loader a worker thread does not always inherit (under
// vitest it is absent), so the thread registers it before loading the worker.
import { register } from 'tsx/esm/api'

register()
await import('./scan-worker.ts')
