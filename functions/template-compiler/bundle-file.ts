import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TemplateBundle } from '../core/templates.js';

export async function writeBundle(path: string, bundle: TemplateBundle): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(bundle, null, 2)}\n`, 'utf8');
}
