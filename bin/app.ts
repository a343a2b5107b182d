import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseSettings, SettingsError } from '../lib/settings.js';
import { handlerEntries, SwitchboardStack } from '../lib/switchboard-stack.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();

let settings;
try {
  settings = parseSettings((key) => app.node.tryGetContext(key));
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}

if (!settings.pinpointApplicationId) console.error('Push is off: no pinpointApplicationId set.');

new SwitchboardStack(app, `Switchboard-${settings.stage}`, {
  description: `Switchboard multi-channel messaging (${settings.stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  settings,
  entries: handlerEntries(root),
  templateBundle: join(root, 'dist', 'templates.bundle.json'),
  tags: { application: 'switchboard', stage: settings.stage },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
