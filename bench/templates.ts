import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTemplateBundle } from '../functions/adapters/bundle-template-store.js';
import type { TemplateBundle } from '../functions/core/templates.js';
import { DEFAULT_BUNDLE_PATH } from '../functions/template-compiler/paths.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The compiled templates the Lambda ships with; built first when a fresh clone has none. */
export function compiledTemplates(): { bundle: TemplateBundle; path: string } {
  if (!existsSync(DEFAULT_BUNDLE_PATH)) {
    const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-templates.ts'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`the template build failed:\n${build.stderr || build.stdout}`);
  }
  return { bundle: loadTemplateBundle(DEFAULT_BUNDLE_PATH), path: DEFAULT_BUNDLE_PATH };
}
