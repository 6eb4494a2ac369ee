// Starting `gridpulse serve` for a test on a free loopback port and
// stopping it again.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { binary } from './seeded.mjs';

/**
 * Starts the server on dataDir, with the demo users (serve --demo,
 * tests/session.mjs), and resolves once /readyz answers 200, with its base
 * URL, its log lines so far and a stop function that sends SIGTERM and
 * resolves with the exit code. addr defaults to a free loopback port; pass
 * a previous server's host:port to restart on it. args are more serve
 * flags.
 */
export async function startServer(dataDir, { addr = '127.0.0.1:0', timeoutMs = 120_000, args = [] } = {}) {
  const child = spawn(binary, ['serve', '--demo', '--addr', addr, '--data', dataDir, ...args], {
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const log = [];
  const exited = once(child, 'exit');
  const deadline = Date.now() + timeoutMs;

  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line in ${timeoutMs} ms:\n${log.join('\n')}`)), timeoutMs);
    createInterface({ input: child.stderr }).on('line', (line) => {
      log.push(line);
      const m = /msg=listening addr=(\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    });
    exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`gridpulse serve exited with ${code}:\n${log.join('\n')}`));
    });
  });

  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const [code, signal] = await exited;
    return code ?? signal;
  };
  try {
    for (;;) {
      const res = await fetch(`${base}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`not ready in ${timeoutMs} ms:\n${log.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, log, stop };
}
