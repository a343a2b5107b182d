import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseSettings } from '../../lib/settings.js';
import { HANDLER_ENTRIES, type HandlerName, SwitchboardStack } from '../../lib/switchboard-stack.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATE_BUNDLE = join(ROOT, 'dist', 'templates.bundle.json');
const FIXTURE_HANDLER = join(ROOT, 'test', 'infra', 'fixtures', 'handler.ts');

/** cdk.json's context: the settings and feature flags a fresh clone deploys with; tests override per case. */
export const BASE_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface Synthesized {
  template: Template;
  stack: SwitchboardStack;
  /** Where the assets were staged. */
  outdir: string;
  cleanup: () => void;
}

/** Synthesizes the stack in-process with a stand-in for every handler; bundling makes this take a few seconds. */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  if (!existsSync(TEMPLATE_BUNDLE)) {
    throw new Error(`${TEMPLATE_BUNDLE} is missing: run \`npm run build\` (npm test does) before the infrastructure tests.`);
  }
  const outdir = mkdtempSync(join(tmpdir(), 'switchboard-cdk-'));
  const merged = { ...BASE_CONTEXT, ...context };
  const app = new App({ outdir, context: merged });
  const entries = Object.fromEntries(Object.keys(HANDLER_ENTRIES).map((name) => [name, FIXTURE_HANDLER])) as Record<HandlerName, string>;
  const stack = new SwitchboardStack(app, 'Test', {
    settings: parseSettings((key) => merged[key]),
    entries,
    templateBundle: TEMPLATE_BUNDLE,
  });
  return { template: Template.fromStack(stack), stack, outdir, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}
