import { spawn } from 'node:child_process';
import path from 'node:path';

/** Starts bench/partner-read/bare-server.ts in a process of its own and returns its URL and a stop function. */
export async function startBareServer(size: number): Promise<{ url: string; stop(): Promise<void> }> {
  const tsx = path.resolve('node_modules/.bin/tsx');
  const child = spawn(tsx, ['bench/partner-read/bare-server.ts', String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bare server did not start within 30 s')), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening on (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the bare server exited with code ${code} before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}/content`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
