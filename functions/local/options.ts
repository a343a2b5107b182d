import { parseArgs } from 'node:util';

export interface LocalOptions {
  once: boolean;
  demo: boolean;
  verbose: boolean;
  help: boolean;
  ports: { outbox?: number; dynamodb?: number; sqs?: number; ses?: number; sandbox?: number };
}

export const USAGE = `npm start [-- options]

  --once                run the demo scenario, print a summary, stop (exit 1 if a request has no final record);
                        deferrals and escalation steps are fired early rather than waited for
  --no-demo             start without enqueuing the demo scenario
  --port N              outbox page port            (env SWITCHBOARD_PORT; default: a free port)
  --dynamodb-port N     DynamoDB Local port         (env SWITCHBOARD_DYNAMODB_PORT)
  --sqs-port N          SQS emulator port           (env SWITCHBOARD_SQS_PORT)
  --ses-port N          local SES port              (env SWITCHBOARD_SES_PORT)
  --sandbox-port N      push/SMS provider sandbox   (env SWITCHBOARD_SANDBOX_PORT)
  --verbose             copy handler logs to the terminal (they always go to .switchboard/handlers.log)`;

const PORTS = {
  port: ['outbox', 'SWITCHBOARD_PORT'],
  'dynamodb-port': ['dynamodb', 'SWITCHBOARD_DYNAMODB_PORT'],
  'sqs-port': ['sqs', 'SWITCHBOARD_SQS_PORT'],
  'ses-port': ['ses', 'SWITCHBOARD_SES_PORT'],
  'sandbox-port': ['sandbox', 'SWITCHBOARD_SANDBOX_PORT'],
} as const;

/** Flags win over the environment; every port defaults to a free one on loopback. */
export function parseLocalOptions(argv: string[], env: Record<string, string | undefined> = process.env): LocalOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      once: { type: 'boolean', default: false },
      'no-demo': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      ...Object.fromEntries(Object.keys(PORTS).map((flag) => [flag, { type: 'string' as const }])),
    },
  });
  const ports: LocalOptions['ports'] = {};
  for (const [flag, [key, variable]] of Object.entries(PORTS)) {
    const raw = (values as Record<string, unknown>)[flag] ?? env[variable];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`--${flag} must be a port number, got "${String(raw)}"`);
    ports[key] = port;
  }
  return { once: values.once, demo: !values['no-demo'], verbose: values.verbose, help: values.help, ports };
}
