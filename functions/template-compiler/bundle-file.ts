import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TemplateBundle } from '../core/templates.js';

/** Written beside the target and renamed into place, so a reader never sees half a bundle. */
export async function writeBundle(path: string, bundle: TemplateBundle): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(bundle, null, 2)}\n`, 'utf8');
  await rename(partial, path);
}
