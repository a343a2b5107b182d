import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addSwitchboard } from '../lib/app.js';
import { type AccountSettings, parseAccountSettings, parseSettings, type Settings, SettingsError } from '../lib/settings.js';
import { handlerEntries } from '../lib/switchboard-stack.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();
const read = (key: string): unknown => app.node.tryGetContext(key);

// Both sets are checked before either is used, so one run lists every problem.
const problems: string[] = [];
const parsed = <T>(parse: () => T): T | undefined => {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
};
const account = parsed<AccountSettings>(() => parseAccountSettings(read));
const stage = parsed<Settings>(() => parseSettings(read));
if (!account || !stage) {
  console.error(new SettingsError([...new Set(problems)]).message);
  process.exit(1);
}

if (!stage.pinpointApplicationId) console.error('Push is off: no pinpointApplicationId set.');

addSwitchboard(app, {
  account,
  stages: [stage],
  entries: handlerEntries(root),
  templateBundle: join(root, 'dist', 'templates.bundle.json'),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
