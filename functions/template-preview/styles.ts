import { readFileSync } from 'node:fs';

export const PREVIEW_CSS = readFileSync(new URL('./preview.css', import.meta.url), 'utf8');
