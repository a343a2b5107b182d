import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BUNDLE_PATH, DEFAULT_TEMPLATES_DIR } from '../template-compiler/paths.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The handlers load the compiled bundle, as in Lambda. A fresh clone has none and an edited
 * template makes it stale, so `npm run build`'s script runs first when either is the case.
 * Returns what was done, for the progress display.
 */
export async function ensureTemplateBundle(): Promise<'fresh' | 'built'> {
  const bundle = await stat(DEFAULT_BUNDLE_PATH).catch(() => undefined);
  if (bundle && (await newestMtime(DEFAULT_TEMPLATES_DIR)) <= bundle.mtimeMs) return 'fresh';
  await runBuild();
  return 'built';
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

function runBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build-templates.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8_000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the template build failed (exit ${code}):\n${output.trim()}`))));
  });
}
