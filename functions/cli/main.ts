import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CustomersArgs, customers } from './commands/customers.js';
import { dryRun } from './commands/dry-run.js';
import { history } from './commands/history.js';
import { priors } from './commands/priors.js';
import { send } from './commands/send.js';
import { type SimulateArgs, simulateCommand } from './commands/simulate.js';
import { smoke, type SmokeArgs } from './commands/smoke.js';
import { status } from './commands/status.js';
import { templatesCheck } from './commands/templates-check.js';
import { templatesPreview } from './commands/templates-preview.js';
import { CHANNELS, type Channel, PUSH_PLATFORMS, type PushPlatform } from '../core/model.js';
import { EXIT } from './exit-codes.js';
import { type CliOutput, terminal } from './io.js';
import { COMMAND_HELP, type CommandName, USAGE } from './usage.js';

const RUN: Record<CommandName, (args: string[], out: CliOutput) => Promise<number>> = {
  'dry-run': (args, out) => dryRun(dryRunArgs(args), out),
  send: (args, out) => send(sendArgs(args), out),
  status: (args, out) => status(statusArgs(args), out),
  history: (args, out) => history(historyArgs(args), out),
  customers: (args, out) => customers(customersArgs(args), out),
  priors: (args, out) => priors(priorsArgs(args), out),
  templates: templatesCommand,
  simulate: (args, out) => simulateCommand(simulateArgs(args), out),
  smoke: (args, out) => smoke(smokeArgs(args), out),
};

/** Runs one command line; answers the exit code (functions/cli/exit-codes.ts). */
export async function main(argv: string[], out: CliOutput = terminal()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    out.error(USAGE);
    return EXIT.failed;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    if (topic !== undefined && isCommand(topic)) out.log(COMMAND_HELP[topic]);
    else out.log(USAGE);
    return EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    out.log(`switchboard ${version()}`);
    return EXIT.ok;
  }
  if (!isCommand(command)) {
    out.error(`unknown command "${command}"\n\n${USAGE}`);
    return EXIT.failed;
  }
  if (asksForHelp(rest)) {
    out.log(COMMAND_HELP[command]);
    return EXIT.ok;
  }
  try {
    return await RUN[command](rest, out);
  } catch (error) {
    const hint = isArgumentError(error) ? `\n(switchboard ${command} --help lists its arguments)` : '';
    out.error(`switchboard ${command}: ${(error as Error).message}${hint}`);
    return EXIT.failed;
  }
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}

/** `--help` or `-h` anywhere before a `--`, which ends the options. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** A command line `parseArgs` refused (unknown option, missing value), or one a command refused. */
class ArgumentError extends Error {}

function isArgumentError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof ArgumentError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'));
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function dryRunArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      request: { type: 'string' },
      customer: { type: 'string' },
      now: { type: 'string' },
      templates: { type: 'string', default: 'templates' },
      priors: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const missing = (['request', 'customer'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new ArgumentError(`missing ${missing.map((m) => `--${m}`).join(' and ')}`);
  return {
    requestFile: values.request as string,
    customerFile: values.customer as string,
    templatesDir: values.templates,
    json: values.json,
    ...(values.now ? { now: values.now } : {}),
    ...(values.priors ? { priorsFile: values.priors } : {}),
  };
}

const MAX_WAIT_SECONDS = 3_600;

function sendArgs(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { wait: { type: 'boolean', default: false }, timeout: { type: 'string' } } });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new ArgumentError('expected one FILE, or - for standard input');
  if (values.timeout === undefined) return { file, wait: values.wait };
  if (!values.wait) throw new ArgumentError('--timeout goes with --wait');
  const seconds = Number(values.timeout);
  if (!(seconds > 0 && seconds <= MAX_WAIT_SECONDS)) throw new ArgumentError(`--timeout must be a number of seconds from 1 to ${MAX_WAIT_SECONDS}`);
  return { file, wait: true, timeoutSeconds: seconds };
}

function statusArgs(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const [requestId, ...extra] = positionals;
  if (!requestId) throw new ArgumentError('missing <requestId>');
  if (extra.length > 0) throw new ArgumentError(`unexpected ${extra.join(' ')}`);
  return { requestId, json: values.json };
}

function historyArgs(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false }, limit: { type: 'string' } } });
  const [customerId, ...extra] = positionals;
  if (!customerId) throw new ArgumentError('missing <customerId>');
  if (extra.length > 0) throw new ArgumentError(`unexpected ${extra.join(' ')}`);
  return { customerId, json: values.json, ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}) };
}

function priorsArgs(args: string[]) {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  return { json: values.json };
}

function customersArgs(args: string[]): CustomersArgs {
  const [sub, ...rest] = args;
  if (sub !== 'get' && sub !== 'put' && sub !== 'consent') throw new ArgumentError(`unknown customers command "${sub ?? ''}": get, put or consent`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      channel: { type: 'string' },
      topic: { type: 'string' },
      'opt-in': { type: 'boolean', default: false },
      'opt-out': { type: 'boolean', default: false },
      at: { type: 'string' },
      source: { type: 'string', default: 'cli' },
    },
  });
  const [customerId, file, ...extra] = positionals;
  if (!customerId) throw new ArgumentError('missing <customerId>');
  if (extra.length > 0 || (sub === 'get' && file)) throw new ArgumentError(`unexpected ${[...(sub === 'get' && file ? [file] : []), ...extra].join(' ')}`);
  const json = values.json;
  if (sub === 'get') return { command: 'get', customerId };
  if (sub === 'put') {
    if (!file) throw new ArgumentError('expected FILE, or - for standard input');
    return { command: 'put', customerId, file, json };
  }
  const source = values.source;
  if (file) return { command: 'consent', customerId, file, json, source };
  const optIn = values['opt-in'];
  if (!values.channel || !values.topic || optIn === values['opt-out']) {
    throw new ArgumentError('expected FILE, or --channel, --topic and one of --opt-in or --opt-out');
  }
  if (!(CHANNELS as readonly string[]).includes(values.channel)) throw new ArgumentError(`--channel must be one of ${CHANNELS.join(', ')}`);
  const change = {
    channel: values.channel as Channel,
    topic: values.topic,
    value: optIn ? ('opt_in' as const) : ('opt_out' as const),
    ...(values.at ? { updatedAt: values.at } : {}),
  };
  return { command: 'consent', customerId, json, source, change };
}

function simulateArgs(args: string[]): SimulateArgs {
  const { values } = parseArgs({ args, options: { population: { type: 'string' }, json: { type: 'boolean', default: false }, out: { type: 'string' } } });
  if (values.out === '') throw new ArgumentError('--out needs a folder');
  return {
    json: values.json,
    ...(values.population !== undefined ? { populationFile: values.population } : {}),
    ...(values.out !== undefined ? { outDir: values.out } : {}),
  };
}

function smokeArgs(args: string[]): SmokeArgs {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      phone: { type: 'string' },
      'push-token': { type: 'string' },
      'push-platform': { type: 'string' },
      'customer-id': { type: 'string' },
      file: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const platform = values['push-platform'];
  if (platform !== undefined && !(PUSH_PLATFORMS as readonly string[]).includes(platform)) throw new ArgumentError(`--push-platform must be one of ${PUSH_PLATFORMS.join(', ')}`);
  const seconds = values.timeout === undefined ? undefined : Number(values.timeout);
  if (seconds !== undefined && !(seconds > 0 && seconds <= MAX_WAIT_SECONDS)) throw new ArgumentError(`--timeout must be a number of seconds from 1 to ${MAX_WAIT_SECONDS}`);
  return {
    json: values.json,
    ...(values.email !== undefined ? { email: values.email } : {}),
    ...(values.phone !== undefined ? { phone: values.phone } : {}),
    ...(values['push-token'] !== undefined ? { pushToken: values['push-token'] } : {}),
    ...(platform !== undefined ? { pushPlatform: platform as PushPlatform } : {}),
    ...(values['customer-id'] !== undefined ? { customerId: values['customer-id'] } : {}),
    ...(values.file !== undefined ? { file: values.file } : {}),
    ...(seconds !== undefined ? { timeoutSeconds: seconds } : {}),
  };
}

async function templatesCommand(args: string[], out: CliOutput): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check' && sub !== 'preview') throw new ArgumentError(`unknown templates command "${sub ?? ''}": check or preview`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: sub === 'preview',
    options: { templates: { type: 'string', default: 'templates' }, port: { type: 'string' } },
  });
  if (sub === 'check') {
    if (values.port !== undefined) throw new ArgumentError('--port goes with templates preview');
    return templatesCheck({ templatesDir: values.templates }, out);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) throw new ArgumentError('--port must be a port number');
  return templatesPreview({ templatesDir: values.templates, ...(positionals[0] ? { templateId: positionals[0] } : {}), ...(port !== undefined ? { port } : {}) }, out);
}
