// Loading the page's TypeScript modules into node for unit tests: Vite
// (the page's own build tool) bundles them into one ES module in a
// temporary directory, which is then imported.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';

const frontendDir = path.resolve(import.meta.dirname, '..');

/**
 * Bundles the modules src/<module> (paths of .ts files relative to src)
 * and imports them: the result holds every export of each.
 */
export async function importSources(...modules) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridpulse-unit-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const entry = path.join(dir, 'entry.ts');
  writeFileSync(entry, modules.map((m) => `export * from ${JSON.stringify(path.join(frontendDir, 'src', m))};\n`).join(''));
  const outDir = path.join(dir, 'out');
  await build({
    configFile: false,
    root: frontendDir,
    logLevel: 'silent',
    build: {
      lib: { entry, formats: ['es'], fileName: 'module' },
      outDir,
      emptyOutDir: true,
      minify: false,
      copyPublicDir: false,
    },
  });
  return import(pathToFileURL(path.join(outDir, 'module.js')).href);
}
