import { instrumentSdkClients, type ClientClass, type ClientLike } from '../../bench/count-requests.js';
import type { TableDefinition } from '../../functions/definitions/tables.js';

/**
 * What the code under test asked AWS to do, as IAM sees it: the action and what it names.
 * Resources are kept in the stack's own terms (`table/deliveries`, `queue/requests`) because the
 * tests run on emulators under other names; the IAM check turns them into the ARNs the deployed
 * stack would have.
 */
export interface IamRequest {
  /** `dynamodb:UpdateItem`, `sns:Publish`, … */
  action: string;
  /**
   * `table/<logical>`, `table/<logical>/index/<name>`, `queue/<logical>`,
   * `ses-identity/<domain or address>`, `ses-configuration-set`, `pinpoint-app`, `secret/<name>`,
   * `schedule/<name>` (in the stack's wake schedule group), `role/<logical>`, `table/<logical>/stream`,
   * `event-bus/switchboard` (the bus status events go to), `*` (no resource-level permission), or
   * `unknown/<name>` for a name the test did not declare.
   */
  resource: string;
  /** Condition keys the request carries, as IAM would see them (`iam:PassedToService`). */
  context?: Record<string, string>;
}

type TableName = TableDefinition['logicalName'];

/** The names the code under test was given locally, so its calls can be traced back to the stack's resources. */
export interface LocalNames {
  tables?: Partial<Record<TableName, string>>;
  /** Logical queue name → the local queue URL. */
  queues?: Record<string, string>;
  sesConfigurationSet?: string;
  pinpointApplicationId?: string;
  /** The secret id the code under test was given for the link signing keys. */
  linkSigningSecret?: string;
  /** The schedule group the code under test was given for wake schedules. */
  wakeScheduleGroup?: string;
  /** Logical role name → the role ARN the code under test was given. */
  roles?: Record<string, string>;
  /** The bus name the code under test was given for status events. */
  eventBus?: string;
}

type Input = Readonly<Record<string, unknown>>;

/**
 * Every IAM request one SDK command needs. Batches and transactions are authorized per table
 * or per item under the item actions; a command without a mapping here throws, so a new kind
 * of call cannot slip past the permission check unnoticed.
 */
export function iamRequestsOf(service: string, operation: string, input: Input, names: LocalNames): IamRequest[] {
  const mapper = MAPPERS[service];
  if (!mapper) throw new Error(`no IAM mapping for ${service} calls (${operation})`);
  return mapper(operation, input, names);
}

const MAPPERS: Record<string, (operation: string, input: Input, names: LocalNames) => IamRequest[]> = {
  DynamoDB: dynamoRequests,
  SNS: (operation, input) => {
    if (operation === 'CheckIfPhoneNumberIsOptedOut') return [{ action: 'sns:CheckIfPhoneNumberIsOptedOut', resource: '*' }];
    if (operation === 'Publish') {
      const topic = input.TopicArn ?? input.TargetArn;
      return [{ action: 'sns:Publish', resource: typeof topic === 'string' ? `unknown/${topic}` : '*' }];
    }
    throw new Error(`no IAM mapping for SNS ${operation}`);
  },
  SESv2: (operation, input, names) => {
    if (operation !== 'SendEmail') throw new Error(`no IAM mapping for SESv2 ${operation}`);
    // SES checks the sending identity and the configuration set. The identity is the From address
    // when that address is verified on its own, else its domain: which one is up to the account,
    // so the call must be allowed under both.
    const address = String(input.FromEmailAddress ?? '');
    const domain = address.split('@')[1] ?? '';
    const set = input.ConfigurationSetName;
    return [
      { action: 'ses:SendEmail', resource: `ses-identity/${address}` },
      { action: 'ses:SendEmail', resource: `ses-identity/${domain}` },
      ...(set === undefined ? [] : [{ action: 'ses:SendEmail', resource: set === names.sesConfigurationSet ? 'ses-configuration-set' : `unknown/${String(set)}` }]),
    ];
  },
  Pinpoint: (operation, input, names) => {
    if (operation !== 'SendMessages') throw new Error(`no IAM mapping for Pinpoint ${operation}`);
    const app = input.ApplicationId;
    return [{ action: 'mobiletargeting:SendMessages', resource: app === names.pinpointApplicationId ? 'pinpoint-app' : `unknown/${String(app)}` }];
  },
  SecretsManager: (operation, input, names) => {
    if (operation !== 'GetSecretValue') throw new Error(`no IAM mapping for Secrets Manager ${operation}`);
    const id = input.SecretId;
    return [{ action: 'secretsmanager:GetSecretValue', resource: id !== undefined && id === names.linkSigningSecret ? 'secret/link-signing' : `unknown/${String(id)}` }];
  },
  Scheduler: (operation, input, names) => {
    const group = input.GroupName ?? 'default';
    const schedule = group === names.wakeScheduleGroup ? `schedule/${String(input.Name)}` : `unknown/schedule/${String(group)}/${String(input.Name)}`;
    if (operation === 'DeleteSchedule') return [{ action: 'scheduler:DeleteSchedule', resource: schedule }];
    if (operation !== 'CreateSchedule' && operation !== 'UpdateSchedule') throw new Error(`no IAM mapping for Scheduler ${operation}`);
    // Creating or replacing a schedule hands its execution role to Scheduler: IAM checks PassRole on that role too.
    const roleArn = (input.Target as { RoleArn?: unknown } | undefined)?.RoleArn;
    const role = Object.entries(names.roles ?? {}).find(([, arn]) => arn === roleArn)?.[0];
    return [
      { action: `scheduler:${operation}`, resource: schedule },
      { action: 'iam:PassRole', resource: role ? `role/${role}` : `unknown/${String(roleArn)}`, context: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    ];
  },
  EventBridge: (operation, input, names) => {
    if (operation !== 'PutEvents') throw new Error(`no IAM mapping for EventBridge ${operation}`);
    // Each entry is authorized on its own bus, with its source as the `events:source` condition key.
    return ((input.Entries as { EventBusName?: string; Source?: string }[] | undefined) ?? []).map((entry) => ({
      action: 'events:PutEvents',
      resource: entry.EventBusName !== undefined && entry.EventBusName === names.eventBus ? 'event-bus/switchboard' : `unknown/event-bus/${String(entry.EventBusName)}`,
      context: { 'events:source': String(entry.Source) },
    }));
  },
  DynamoDBStreams: (operation, input, names) => {
    if (!['DescribeStream', 'GetShardIterator', 'GetRecords', 'ListStreams'].includes(operation)) throw new Error(`no IAM mapping for DynamoDB Streams ${operation}`);
    if (operation === 'ListStreams') return [{ action: 'dynamodb:ListStreams', resource: '*' }];
    // GetRecords names only an iterator: DynamoDB Local's begin with the stream's ARN, an opaque one maps to unknown.
    const arn = typeof input.StreamArn === 'string' ? input.StreamArn : String(input.ShardIterator ?? '').split('|')[0];
    const table = /:table\/([^/]+)\/stream\//.exec(arn ?? '')?.[1];
    const logical = Object.entries(names.tables ?? {}).find(([, local]) => local === table)?.[0];
    return [{ action: `dynamodb:${operation}`, resource: logical ? `table/${logical}/stream` : `unknown/${String(arn)}` }];
  },
  SQS: (operation, input, names) => {
    const action = SQS_ACTIONS[operation];
    if (!action) throw new Error(`no IAM mapping for SQS ${operation}`);
    const url = input.QueueUrl;
    const queue = Object.entries(names.queues ?? {}).find(([, local]) => local === url)?.[0];
    return [{ action, resource: queue ? `queue/${queue}` : `unknown/${String(url)}` }];
  },
};

/** Batch calls are authorized as the single-message action on the queue. */
const SQS_ACTIONS: Record<string, string> = {
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessage: 'sqs:DeleteMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibility: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
  SendMessage: 'sqs:SendMessage',
  SendMessageBatch: 'sqs:SendMessage',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
};

const SINGLE_TABLE = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem']);
const TRANSACT_ITEM_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };
const PARTIQL_ACTIONS: Record<string, string> = { UPDATE: 'PartiQLUpdate', INSERT: 'PartiQLInsert', DELETE: 'PartiQLDelete', SELECT: 'PartiQLSelect' };

function dynamoRequests(operation: string, input: Input, names: LocalNames): IamRequest[] {
  const table = (name: unknown, index?: unknown) => {
    const logical = Object.entries(names.tables ?? {}).find(([, local]) => local === name)?.[0];
    if (!logical) return `unknown/${String(name)}`;
    return typeof index === 'string' ? `table/${logical}/index/${index}` : `table/${logical}`;
  };
  const request = (action: string, resource: string): IamRequest => ({ action: `dynamodb:${action}`, resource });
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys((input.RequestItems as object | undefined) ?? {}).map((name) => request(operation, table(name)));
  }
  if (SINGLE_TABLE.has(operation)) return [request(operation, table(input.TableName, input.IndexName))];
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    return ((input.TransactItems as Record<string, { TableName?: string }>[] | undefined) ?? []).flatMap((item) =>
      Object.entries(item).map(([kind, body]) => {
        const action = TRANSACT_ITEM_ACTIONS[kind];
        if (!action) throw new Error(`no IAM mapping for a ${kind} item of ${operation}`);
        return request(action, table(body.TableName));
      }),
    );
  }
  if (operation === 'BatchExecuteStatement' || operation === 'ExecuteStatement') {
    const statements = operation === 'ExecuteStatement' ? [input as { Statement?: string }] : ((input.Statements as { Statement?: string }[] | undefined) ?? []);
    return statements.map(({ Statement = '' }) => {
      const verb = /^\s*(\w+)/.exec(Statement)?.[1]?.toUpperCase() ?? '';
      const action = PARTIQL_ACTIONS[verb];
      if (!action) throw new Error(`no IAM mapping for the PartiQL statement ${Statement.slice(0, 40)}`);
      return request(action, table(/(?:UPDATE|FROM|INTO)\s+"([^"]+)"/i.exec(Statement)?.[1]));
    });
  }
  throw new Error(`no IAM mapping for DynamoDB ${operation}`);
}

/** A command an aws-sdk-client-mock stub received: the stub answers before any middleware runs. */
interface MockedCall {
  args: readonly [{ constructor: { name: string }; input: object }, ...unknown[]];
}
export interface MockLike {
  calls(): readonly MockedCall[];
}

/** The IAM requests one function made, collected from real clients and from mocked ones. */
export class SdkCallLog {
  private readonly seen = new Map<string, IamRequest>();

  constructor(private readonly names: LocalNames) {}

  add(service: string, operation: string, input: Input): void {
    for (const request of iamRequestsOf(service, operation, input, this.names)) this.seen.set(`${request.action} ${request.resource}`, request);
  }

  /**
   * Records every client of these classes that code under test builds, except `ignore` (the
   * test's own clients that seed and read back). Returns an undo for clients built later.
   */
  recordClients(classes: readonly ClientClass[], ignore: readonly ClientLike[] = []): () => void {
    return instrumentSdkClients(classes, (call) => this.add(call.service, call.operation, call.input), { ignore });
  }

  /** Takes in what a mock answered so far; safe to call repeatedly, and before each reset of the mock. */
  addMocked(service: string, mock: MockLike): void {
    for (const { args } of mock.calls()) this.add(service, args[0].constructor.name.replace(/Command$/, ''), args[0].input as Input);
  }

  requests(): IamRequest[] {
    return [...this.seen.values()].sort((a, b) => `${a.action} ${a.resource}`.localeCompare(`${b.action} ${b.resource}`));
  }
}
