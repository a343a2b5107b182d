import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { SwitchboardAccountStack } from '../../lib/account-stack.js';
import { addSwitchboard } from '../../lib/app.js';
import { parseAccountSettings, parseSettings, type Settings } from '../../lib/settings.js';
import { HANDLER_ENTRIES, type HandlerName, type SwitchboardStack } from '../../lib/switchboard-stack.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATE_BUNDLE = join(ROOT, 'dist', 'templates.bundle.json');
const FIXTURE_HANDLER = join(ROOT, 'test', 'infra', 'fixtures', 'handler.ts');

/** cdk.json's context: the settings and feature flags a fresh clone deploys with; tests override per case. */
export const BASE_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface Synthesized {
  /** The stage stack's. */
  template: Template;
  stack: SwitchboardStack;
  /** The account stack's. */
  accountTemplate: Template;
  accountStack: SwitchboardAccountStack;
  /** Where the assets were staged. */
  outdir: string;
  cleanup: () => void;
}

/** Every handler's stand-in: bundling the real ones would take minutes. */
export const FIXTURE_ENTRIES = Object.fromEntries(Object.keys(HANDLER_ENTRIES).map((name) => [name, FIXTURE_HANDLER])) as Record<HandlerName, string>;

/** Synthesizes the account stack and one stage in-process, with a stand-in for every handler; bundling makes this take a few seconds. */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const { app, outdir, cleanup } = testApp(context);
  const merged = { ...BASE_CONTEXT, ...context };
  const { account, stages } = addSwitchboard(app, {
    account: parseAccountSettings((key) => merged[key]),
    stages: [parseSettings((key) => merged[key])],
    entries: FIXTURE_ENTRIES,
    templateBundle: TEMPLATE_BUNDLE,
  });
  const stack = stages[0] as SwitchboardStack;
  return { template: Template.fromStack(stack), stack, accountTemplate: Template.fromStack(account), accountStack: account, outdir, cleanup };
}

/** The account stack alone, with no stage: quick, since it bundles one function. */
export function synthesizeAccount(context: Record<string, unknown> = {}): { template: Template; stack: SwitchboardAccountStack; cleanup: () => void } {
  const { app, cleanup } = testApp(context);
  const merged = { ...BASE_CONTEXT, ...context };
  const { account } = addSwitchboard(app, { account: parseAccountSettings((key) => merged[key]), stages: [], entries: FIXTURE_ENTRIES, templateBundle: TEMPLATE_BUNDLE });
  return { template: Template.fromStack(account), stack: account, cleanup };
}

/** An empty app over cdk.json's context and `context`, staging its assets in a directory of its own. */
export function testApp(context: Record<string, unknown> = {}): { app: App; outdir: string; cleanup: () => void } {
  if (!existsSync(TEMPLATE_BUNDLE)) {
    throw new Error(`${TEMPLATE_BUNDLE} is missing: run \`npm run build\` (npm test does) before the infrastructure tests.`);
  }
  const outdir = mkdtempSync(join(tmpdir(), 'switchboard-cdk-'));
  const app = new App({ outdir, context: { ...BASE_CONTEXT, ...context } });
  return { app, outdir, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** A stage's settings: cdk.json's, with `overrides`. */
export function stageSettings(overrides: Record<string, unknown> = {}): Settings {
  const merged = { ...BASE_CONTEXT, ...overrides };
  return parseSettings((key) => merged[key]);
}
