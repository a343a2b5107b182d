import { fileURLToPath } from 'node:url';

// Resolved from the repository root rather than the working directory, so every caller agrees.
const root = new URL('../../', import.meta.url);

/** The marketers' templates. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('templates', root));

/** What `npm run build` writes and the template store loads at cold start. */
export const DEFAULT_BUNDLE_PATH = fileURLToPath(new URL('dist/templates.bundle.json', root));
