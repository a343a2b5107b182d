import { join, relative } from 'node:path';
import { type LocalConfig, localConfigPath, readLocalConfig, removeLocalConfig, writeLocalConfig } from '../tooling/local-config.js';
import { firedEarlyTable, type Person, runDemoOnce, summaryTable } from './once.js';
import { type LocalOptions, parseLocalOptions, USAGE } from './options.js';
import { createOutboxApp, type OutboxApp } from './outbox/app.js';
import { type OutboxServer, startOutboxServer } from './outbox/server.js';
import { Progress } from './progress.js';
import { type LocalSystem, startLocalSystem } from './system.js';

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

interface Running {
  outbox: OutboxServer;
  app: OutboxApp;
  system: LocalSystem;
}

/** Starts, then either serves until Ctrl-C / SIGTERM or, with `--once`, runs the demo and stops. */
export async function runLocal(argv: string[]): Promise<number> {
  let options: LocalOptions;
  try {
    options = parseLocalOptions(argv);
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  if (options.help) {
    out(`${USAGE}\n`);
    return 0;
  }
  const interrupted = signalled();
  out(`Switchboard local mode${options.once ? ' (--once)' : ''}\n`);
  const progress = new Progress(out);
  const running = await start(options, progress);
  if (!running) return 1;
  const { outbox, system } = running;
  const configPath = localConfigPath();
  const published = !options.once && (await publish(system, outbox, configPath));
  out(`\nready in ${progress.elapsed()}: outbox ${outbox.url}  (templates ${outbox.url}/templates)\n`);
  const stop = async () => {
    await running.app.close();
    await outbox.close();
    await system.stop();
    if (published) await removeLocalConfig(configPath);
  };

  if (options.once) {
    const result = await Promise.race([runDemoOnce(system), interrupted.then(() => undefined)]);
    if (result) {
      const people = new Map(
        system.customers.map(({ customer }): [string, Person] => [customer.customerId, { name: String(customer.attributes?.firstName ?? ''), timeZone: customer.timeZone }]),
      );
      const names = new Map([...people].map(([id, person]) => [id, person.name]));
      out(`\n${summaryTable(result, names).join('\n')}\n\n`);
      if (result.early.length > 0) out(`fired early for the demo, each handled as at its due time:\n${firedEarlyTable(result, people).join('\n')}\n\n`);
      const eventsFile = system.events.path ? ` to ${relative(process.cwd(), system.events.path)}` : '';
      out(`events: ${result.events} delivery status events published${eventsFile}\n\n`);
    } else out('\ninterrupted\n');
    await stop();
    out(`done in ${progress.elapsed()}\n`);
    return result ? (result.missing.length === 0 ? 0 : 1) : 130;
  }

  if (options.demo) out(`demo: ${(await system.runScenario()).length} requests enqueued\n`);
  if (published) out(`settings for other tools: ${configPath}\n`);
  if (system.events.path) out(`delivery status events: ${relative(process.cwd(), system.events.path)}\n`);
  out('Ctrl-C stops everything\n');
  await interrupted;
  out('\nstopping…\n');
  await stop();
  out('stopped\n');
  return 0;
}

/** The page listens first, so its URL is known to the system (unsubscribe links point at it). */
async function start(options: LocalOptions, progress: Progress): Promise<Running | undefined> {
  let outbox: OutboxServer | undefined;
  try {
    progress.begin('outbox page');
    outbox = await startOutboxServer(options.ports.outbox);
    const system = await startLocalSystem({
      outboxUrl: outbox.url,
      ports: options.ports,
      handlerLogPath: join(process.cwd(), '.switchboard', options.once ? 'handlers-once.log' : 'handlers.log'),
      eventsPath: join(process.cwd(), '.switchboard', options.once ? 'events-once.jsonl' : 'events.jsonl'),
      echoHandlerLogs: options.verbose,
      progress: (step) => progress.begin(step),
      onError: (where, error) => err(`! ${where}: ${(error as Error).message}\n`),
    });
    progress.end();
    const app = await createOutboxApp(system, outbox.url);
    outbox.attach(app.handle);
    return { outbox, app, system };
  } catch (error) {
    progress.fail(error);
    await outbox?.close();
    return undefined;
  }
}

/** Writes the settings file unless another running system owns it. */
async function publish(system: LocalSystem, outbox: OutboxServer, path: string): Promise<boolean> {
  const owner = await readLocalConfig(path).catch(() => undefined);
  if (owner && owner.pid !== process.pid) {
    err(`! another local system (pid ${owner.pid}) owns ${path}; this one is not published there\n`);
    return false;
  }
  const config: LocalConfig = { ...system.config, outbox: { url: outbox.url, templatesUrl: `${outbox.url}/templates`, apiUrl: `${outbox.url}/api` } };
  await writeLocalConfig(config, path);
  return true;
}

/**
 * Resolves on the first SIGINT or SIGTERM. One Ctrl-C often arrives several times (the terminal
 * signals the whole process group and npm and tsx relay it too), so repeats within two seconds
 * are the same request; a later one exits at once, without cleaning up.
 */
function signalled(): Promise<void> {
  return new Promise((resolve) => {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first !== undefined && Date.now() - first > 2_000) process.exit(signal === 'SIGINT' ? 130 : 143);
      first ??= Date.now();
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
