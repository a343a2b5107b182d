import { z } from 'zod';

/**
 * Deployment settings, read from CDK context (cdk.json defaults, overridden with `-c key=value`).
 * Context values given on the command line are always strings, so numbers are coerced here.
 */
export const STAGES = ['dev', 'staging', 'prod'] as const;

/** The bus delivery status events are put on: one the stack creates, or the account's default bus. */
export const EVENT_BUSES = ['dedicated', 'default'] as const;

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** `a, b` given on the command line or in cdk.json becomes `['a', 'b']`; a list stays a list. */
function commaSeparated(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : value;
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const numeric = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);
const int = (min: number, max: number) => z.preprocess(numeric, z.number().int().min(min).max(max));
const optionalString = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const email = z.email('must be an e-mail address');
const logRetention = z.preprocess(numeric, z.number()).refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
  message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
});
/** cdk.json's placeholder brand: fine for a dev stack, refused for customers to see. */
const EXAMPLE_BRAND = 'Example Shop';
const domain = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name');

export const settingsSchema = z
  .object({
    stage: z.enum(STAGES).default('dev'),
    senderIdentity: z.union([domain, email], { error: 'must be a verified SES identity: a domain or an e-mail address' }),
    fromAddress: email,
    /** Defaults to `switchboard-<stage>`. */
    sesConfigurationSetName: optionalString(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')),
    pinpointApplicationId: optionalString(z.string().regex(/^[a-f0-9]{32}$/, 'must be a 32-character hex application id')),
    smsSenderId: optionalString(z.string().regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits with at least one letter')),
    smsOriginationNumber: optionalString(z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number such as +15555550100')),
    deliveryRetentionDays: int(1, 3650).default(400),
    inboxRetentionDays: int(1, 3650).default(90),
    logRetentionDays: logRetention.default(30),
    alarmEmail: email,
    jwtIssuer: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
    /** Several audiences may be given comma-separated. */
    jwtAudience: z.preprocess(commaSeparated, z.array(z.string().min(1)).min(1, 'must name at least one audience')),
    /** 100 customers per batch is one BatchGetItem: 0.01 reads per message. */
    batchSize: int(1, 10_000).default(100),
    maxBatchingWindowSeconds: int(0, 300).default(1),
    /** The ceiling on throughput: the benchmark projects about 50 concurrent orchestrators for 10,000 messages a second. */
    maxConcurrency: int(2, 1000).default(50),
    /** The orchestrator's CPU is mostly SDK request signing and serialisation; 1,769 MB is one full vCPU. */
    orchestratorMemoryMb: int(128, 10_240).default(1769),
    appDeepLinkScheme: z.string().regex(/^[a-z][a-z0-9+.-]*$/, 'must be a URL scheme such as switchboard'),
    /** The name customers know the sender by: the preference centre shows it. */
    brandName: z.string().trim().min(1, 'must not be blank').max(80, 'must be at most 80 characters'),
    /**
     * Stage throttling of each API: the steady requests per second it serves and the requests it
     * takes at once above that; callers get 429 beyond them. Well under the account's regional
     * 10,000 / 5,000, which every API in the account shares.
     */
    serviceApiRateLimit: int(1, 10_000).default(1_000),
    serviceApiBurstLimit: int(1, 5_000).default(2_000),
    customerApiRateLimit: int(1, 10_000).default(500),
    customerApiBurstLimit: int(1, 5_000).default(1_000),
    /**
     * The web origins (`https://shop.example`) whose pages may call the customer API from a
     * browser, comma-separated. None, the default, sends no CORS headers: only apps may call it.
     */
    customerApiAllowedOrigins: z.preprocess(
      commaSeparated,
      z.array(z.string().regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'must be origins such as https://shop.example, without a path')).default([]),
    ),
    /** Where delivery status events go: a bus of the stack's own (`switchboard-<stage>`), or the account's default bus. */
    eventBus: z.preprocess(
      blankToUndefined,
      z
        .enum(EVENT_BUSES, { error: `must be one of ${EVENT_BUSES.join(', ')}: dedicated (a bus named switchboard-<stage>) or default (the account's default bus)` })
        .default('dedicated'),
    ),
  })
  .superRefine((settings, ctx) => {
    // Cross-field checks only make sense once each field is well-formed on its own.
    if ([settings.senderIdentity, settings.fromAddress, settings.alarmEmail, settings.jwtIssuer].some((v) => typeof v !== 'string')) return;
    // SQS rejects batches above 10 without a batching window.
    if (settings.batchSize > 10 && settings.maxBatchingWindowSeconds < 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxBatchingWindowSeconds'],
        message: 'must be at least 1 when batchSize is above 10',
      });
    }
    const identity = settings.senderIdentity.toLowerCase();
    const from = settings.fromAddress.toLowerCase();
    const fromDomain = from.slice(from.lastIndexOf('@') + 1);
    const covered = identity.includes('@') ? from === identity : fromDomain === identity || fromDomain.endsWith(`.${identity}`);
    if (!covered) {
      ctx.addIssue({ code: 'custom', path: ['fromAddress'], message: `is not covered by senderIdentity ${settings.senderIdentity}` });
    }
    // The cdk.json defaults are examples so a fresh clone synthesizes; they must never reach a real stage.
    if (settings.stage !== 'dev') {
      for (const key of ['senderIdentity', 'fromAddress', 'alarmEmail', 'jwtIssuer'] as const) {
        if (/example\.(com|org|net)\b/i.test(settings[key])) {
          ctx.addIssue({ code: 'custom', path: [key], message: `is still an example value; set a real one for stage ${settings.stage}` });
        }
      }
      if (settings.brandName === EXAMPLE_BRAND) {
        ctx.addIssue({ code: 'custom', path: ['brandName'], message: `is still an example value; set a real one for stage ${settings.stage}` });
      }
    }
  });

export type Settings = Omit<z.output<typeof settingsSchema>, 'sesConfigurationSetName'> & { sesConfigurationSetName: string };
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as (keyof Settings)[];

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Switchboard settings (set them in cdk.json "context" or with -c key=value):\n` + problems.map((problem) => `  - ${problem}`).join('\n'));
    this.name = 'SettingsError';
  }
}

/** Validates every setting at once so one run lists everything that needs fixing. */
export function parseSettings(read: (key: string) => unknown): Settings {
  const { sesConfigurationSetName, ...rest } = parseWith(settingsSchema, SETTING_KEYS, read);
  return { ...rest, sesConfigurationSetName: sesConfigurationSetName ?? `switchboard-${rest.stage}` };
}

/** Whether the account stack creates API Gateway's account-wide CloudWatch Logs role, or leaves it to whoever manages it. */
export const API_GATEWAY_LOGGING_ROLES = ['create', 'existing'] as const;

/**
 * Settings of the account stack, deployed once per account and region for every stage. They are
 * read from the same context as a stage's, so keep them in cdk.json: a value given with `-c` to
 * one stage's deploy would change what every stage shares.
 */
export const accountSettingsSchema = z.object({
  /** Who hears of the account stack's alarms; the stages' `alarmEmail` too, unless one is given with `-c`. */
  alarmEmail: email,
  /** How long the two SNS SMS delivery-status log groups keep their records. */
  smsStatusLogRetentionDays: logRetention.default(30),
  apiGatewayLoggingRole: z.preprocess(
    blankToUndefined,
    z
      .enum(API_GATEWAY_LOGGING_ROLES, {
        error: `must be one of ${API_GATEWAY_LOGGING_ROLES.join(', ')}: create (this stack sets the account's API Gateway logging role) or existing (it is managed elsewhere)`,
      })
      .default('create'),
  ),
});

export type AccountSettings = z.output<typeof accountSettingsSchema>;
export const ACCOUNT_SETTING_KEYS = Object.keys(accountSettingsSchema.shape) as (keyof AccountSettings)[];

export function parseAccountSettings(read: (key: string) => unknown): AccountSettings {
  return parseWith(accountSettingsSchema, ACCOUNT_SETTING_KEYS, read);
}

function parseWith<S extends z.ZodType>(schema: S, keys: readonly string[], read: (key: string) => unknown): z.output<S> {
  const raw = Object.fromEntries(keys.map((key) => [key, read(key)]));
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new SettingsError(
    parsed.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.') || '(settings)';
      return issue.path.length === 1 && raw[key] === undefined ? `${key}: is required` : `${key}: ${issue.message}`;
    }),
  );
}
