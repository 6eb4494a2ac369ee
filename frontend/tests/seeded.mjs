// Where the tests find the binary and the seeded districts. `make test`
// builds bin/gridpulse, seeds the presets into temporary directories and
// passes them in GRIDPULSE_TEST_TINY and GRIDPULSE_TEST_SHUANGLIU; run on
// their own, the tests seed the tiny preset themselves with the binary.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const binary = process.env.GRIDPULSE_BIN ?? path.join(repoRoot, 'bin', 'gridpulse');

/** Seeds preset into a fresh temporary data directory and returns it. */
function seed(preset) {
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: build it first (make build)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), `gridpulse-${preset}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  execFileSync(binary, ['seed', '--preset', preset, '--out', path.join(dir, 'areas')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 120_000,
  });
  return dir;
}

/** The data directory (holding areas/) of the tiny preset. */
export function tinyDataDir() {
  return process.env.GRIDPULSE_TEST_TINY || seed('tiny');
}

/** The data directory of the Shuangliu preset, or undefined when not given. */
export function shuangliuDataDir() {
  return process.env.GRIDPULSE_TEST_SHUANGLIU || undefined;
}

/**
 * A fresh temporary data directory holding a copy of dataDir's areas, so
 * that what a server stores there (the embedded bus in <data>/nats) stays
 * out of the shared one.
 */
export function copyDataDir(dataDir) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridpulse-data-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(dataDir, 'areas'), path.join(dir, 'areas'), { recursive: true });
  return dir;
}

/**
 * Writes span (e.g. 7d) of simulated history for dataDir's areas into the
 * embedded ClickHouse in dataDir, for the weather map and the trends.
 */
export function seedHistory(dataDir, span) {
  execFileSync(binary, ['seed', '--data', dataDir, '--history', span], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 300_000,
  });
}
