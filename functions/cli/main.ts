import { parseArgs } from 'node:util';
import { type CustomersArgs, customers } from './commands/customers.js';
import { dryRun } from './commands/dry-run.js';
import { history } from './commands/history.js';
import { send } from './commands/send.js';
import { templatesCheck } from './commands/templates-check.js';
import { templatesPreview } from './commands/templates-preview.js';
import { CHANNELS, type Channel } from '../core/model.js';
import { type CliOutput, terminal } from './io.js';

const USAGE = `switchboard <command>

  dry-run --request FILE --customer FILE [--now ISO] [--templates DIR] [--json]
      What would happen to a send request for a customer record; sends nothing.
  templates check [--templates DIR]
      Parses and checks every template; exits 1 naming each problem.
  templates preview [templateId] [--templates DIR] [--port N]
      Serves every template x channel x locale rendered from its sample data; reloads on edits.
  history <customerId> [--json] [--limit N]
      Every message sent to a customer, newest first, with the reason for each channel choice;
      from the running local system, or the deployed table when DELIVERIES_TABLE is set.
  send FILE|-
      Validates a send request (or an array of them) and queues it: on the running local system
      (npm start), or on the deployed queue when SWITCHBOARD_QUEUE_URL is set.
  customers get <customerId>
  customers put <customerId> FILE|- [--json]
  customers consent <customerId> FILE|- [--json]
  customers consent <customerId> --channel C --topic T --opt-in|--opt-out [--at ISO] [--source S] [--json]
      Reads a customer record, replaces its profile, or records consent, exactly as the service
      API does (every problem listed); on the running local system, or on the deployed customers
      table when CUSTOMERS_TABLE is set.`;

export async function main(argv: string[], out: CliOutput = terminal): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'dry-run':
        return await dryRun(dryRunArgs(rest), out);
      case 'templates':
        return await templatesCommand(rest, out);
      case 'send':
        return await sendCommand(rest, out);
      case 'history':
        return await history(historyArgs(rest), out);
      case 'customers':
        return await customers(customersArgs(rest), out);
      case undefined:
      case 'help':
      case '--help':
        out.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        out.error(`unknown command "${command}"\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    out.error(`switchboard ${command}: ${(error as Error).message}`);
    return 1;
  }
}

function dryRunArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      request: { type: 'string' },
      customer: { type: 'string' },
      now: { type: 'string' },
      templates: { type: 'string', default: 'templates' },
      json: { type: 'boolean', default: false },
    },
  });
  const missing = (['request', 'customer'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new Error(`missing ${missing.map((m) => `--${m}`).join(' and ')}`);
  return {
    requestFile: values.request as string,
    customerFile: values.customer as string,
    templatesDir: values.templates,
    json: values.json,
    ...(values.now ? { now: values.now } : {}),
  };
}

function historyArgs(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false }, limit: { type: 'string' } } });
  const [customerId] = positionals;
  if (!customerId) throw new Error('missing <customerId>');
  return { customerId, json: values.json, ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}) };
}

function customersArgs(args: string[]): CustomersArgs {
  const [sub, ...rest] = args;
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
  if (!customerId) throw new Error(`missing <customerId>\n\n${USAGE}`);
  if (extra.length > 0) throw new Error(`unexpected ${extra.join(' ')}`);
  const json = values.json;
  if (sub === 'get') return { command: 'get', customerId };
  if (sub === 'put') {
    if (!file) throw new Error('expected FILE, or - for standard input');
    return { command: 'put', customerId, file, json };
  }
  if (sub !== 'consent') throw new Error(`unknown customers command "${sub ?? ''}"\n\n${USAGE}`);
  const source = values.source;
  if (file) return { command: 'consent', customerId, file, json, source };
  const optIn = values['opt-in'];
  if (!values.channel || !values.topic || optIn === values['opt-out']) {
    throw new Error('expected FILE, or --channel, --topic and one of --opt-in or --opt-out');
  }
  if (!(CHANNELS as readonly string[]).includes(values.channel)) throw new Error(`--channel must be one of ${CHANNELS.join(', ')}`);
  const change = {
    channel: values.channel as Channel,
    topic: values.topic,
    value: optIn ? ('opt_in' as const) : ('opt_out' as const),
    ...(values.at ? { updatedAt: values.at } : {}),
  };
  return { command: 'consent', customerId, json, source, change };
}

async function templatesCommand(args: string[], out: CliOutput): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: sub === 'preview',
    options: { templates: { type: 'string', default: 'templates' }, port: { type: 'string' } },
  });
  if (sub === 'check') return templatesCheck({ templatesDir: values.templates }, out);
  if (sub === 'preview') {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !Number.isInteger(port)) throw new Error('--port must be a port number');
    return templatesPreview({ templatesDir: values.templates, ...(positionals[0] ? { templateId: positionals[0] } : {}), ...(port !== undefined ? { port } : {}) }, out);
  }
  out.error(`unknown templates command "${sub ?? ''}"\n\n${USAGE}`);
  return 1;
}

async function sendCommand(args: string[], out: CliOutput): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new Error('expected one FILE, or - for standard input');
  return send({ file }, out);
}
