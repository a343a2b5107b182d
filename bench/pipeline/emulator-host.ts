/**
 * Runs the in-process emulators (SQS, the provider sandbox, local SES) in a process of their
 * own, so their CPU and memory never count as the handler's. Prints their endpoints as one JSON
 * line and runs until SIGTERM.
 */
import { startProviderSandbox } from '../../functions/local/provider-sandbox.js';
import { startLocalSes } from '../../functions/local/ses-local.js';
import { startSqsEmulator } from '../../functions/local/sqs-emulator.js';

export interface HostEndpoints {
  sqs: string;
  region: string;
  sesv2: string;
  providerSandbox: string;
  pushApplicationId: string;
}

const [sqs, sandbox, ses] = await Promise.all([startSqsEmulator(), startProviderSandbox(), startLocalSes()]);
// Local SES keeps every email in memory; a benchmark sends tens of thousands.
const clearSes = setInterval(() => void fetch(`${ses.endpoint}/clear-store`, { method: 'POST' }).catch(() => undefined), 2_000);

const endpoints: HostEndpoints = { sqs: sqs.endpoint, region: sqs.region, sesv2: ses.endpoint, providerSandbox: sandbox.endpoint, pushApplicationId: sandbox.applicationId };
process.stdout.write(`${JSON.stringify(endpoints)}\n`);

process.once('SIGTERM', () => {
  clearInterval(clearSes);
  void Promise.allSettled([sqs.stop(), sandbox.stop(), ses.stop()]).then(() => process.exit(0));
});
