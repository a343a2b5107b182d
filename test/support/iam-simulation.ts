import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from './sdk-calls.js';

/** The account and region the synthesized template is resolved in; any would do, the tests pin one. */
export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'eu-central-1';

/**
 * Grants no offline test can see used, each with why it is still needed. The IAM check fails on
 * any other grant that no observed call exercises, so a permission nothing calls cannot linger.
 * One that names a `resource` (in the terms of `IamRequest.resource`) explains the grant on that
 * resource only: the same action granted elsewhere must still be seen used.
 */
export const UNOBSERVABLE_GRANTS: readonly { service: string; action: string; resource?: string; reason: string }[] = [
  ...['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].map((action) => ({
    service: '*',
    action,
    reason: 'Active tracing: the Lambda runtime sends the trace segments with the function role, not the handler code.',
  })),
  {
    service: 'switchboard-orchestrator',
    action: 'sqs:GetQueueAttributes',
    reason: 'Lambda reads the queue attributes with the function role when it creates the SQS event source mapping, a step the local poller does not have.',
  },
  {
    service: 'switchboard-feedback',
    action: 'sqs:SendMessage',
    resource: 'queue/feedbackDeadLetters',
    reason: 'Lambda itself parks an asynchronous event that failed every retry on the dead-letter queue, with the function role.',
  },
  {
    service: 'switchboard-event-publisher',
    action: 'sqs:SendMessage',
    resource: 'queue/statusEventsDeadLetters',
    reason: 'Lambda itself describes a stream batch that failed every retry in the on-failure queue, with the function role.',
  },
  {
    service: 'switchboard-sms-status-fanout',
    action: 'sqs:SendMessage',
    resource: 'queue/smsStatusDeadLetters',
    reason: 'Lambda itself parks a log delivery that failed every retry on the dead-letter queue, with the function role.',
  },
  {
    service: 'switchboard-event-publisher',
    action: 'dynamodb:ListStreams',
    resource: 'table/deliveries/stream',
    reason: 'Lambda’s documented policy for a stream event source lists it; the local poller reads the one stream it is given and never lists.',
  },
];

interface Statement {
  Effect: string;
  Action?: string | string[];
  Resource?: string | string[];
  NotAction?: unknown;
  NotResource?: unknown;
}
interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}
interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/** A function's identity policies with every CloudFormation token resolved in the test account. */
export interface FunctionPolicies {
  service: string;
  roleArn: string;
  documents: PolicyDocument[];
}

export interface DeployedStackOptions {
  stackName: string;
  /** The Pinpoint application the stack was synthesized with, if push is on. */
  pinpointApplicationId?: string;
  /** Logical queue name → the construct id its CloudFormation logical id starts with. */
  queues?: Record<string, string>;
  /** Logical role name → the construct id its CloudFormation logical id starts with. */
  roles?: Record<string, string>;
}

const DEFAULT_QUEUES = {
  requests: 'RequestsQueue',
  requestsDeadLetters: 'RequestsDeadLetters',
  feedbackDeadLetters: 'FeedbackDeadLetters',
  wakeDeadLetters: 'WakeSchedulesDeadLetters',
  statusEventsDeadLetters: 'StatusEventsDeadLetters',
};
const DEFAULT_ROLES = { wakeScheduler: 'WakeSchedulesRole' };

/** The label a deployed table's stream ARN ends in (DynamoDB names it after the time the stream was enabled). */
const STREAM_LABEL = '2026-01-01T00:00:00.000';

/**
 * A synthesized template as it would be deployed in the test account: physical names where the
 * stack sets them, `<stack>-<logical id>` where CloudFormation would generate one.
 */
export class DeployedStack {
  private readonly resources: Record<string, CfnResource>;
  private readonly queues: Record<string, string>;
  private readonly roles: Record<string, string>;

  constructor(
    template: { Resources?: Record<string, CfnResource> },
    private readonly options: DeployedStackOptions,
  ) {
    this.resources = template.Resources ?? {};
    this.queues = options.queues ?? DEFAULT_QUEUES;
    this.roles = options.roles ?? DEFAULT_ROLES;
  }

  /** The inline policies of the role of the function whose Powertools service name is `service`. */
  policiesOf(service: string): FunctionPolicies {
    const functions = Object.values(this.resources).filter((r) => r.Type === 'AWS::Lambda::Function' && this.environmentOf(r).POWERTOOLS_SERVICE_NAME === service);
    if (functions.length !== 1) throw new Error(`expected one function for ${service}, found ${functions.length}`);
    const roleId = ((functions[0]?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? [])[0];
    if (!roleId) throw new Error(`the role of ${service} is not a role of this stack`);
    // AWS managed policies (basic execution: the function's own logs) are not in the template;
    // the handlers make no SDK call they would cover.
    return this.policiesOfRoleId(roleId, service);
  }

  /** The inline policies of a role no function runs as (one a service assumes), by its logical role name. */
  policiesOfRole(role: string): FunctionPolicies {
    const prefix = this.roles[role];
    if (!prefix) throw new Error(`no role is known as ${role}`);
    const roleId = this.only('AWS::IAM::Role', (id) => id.startsWith(prefix));
    return this.policiesOfRoleId(roleId, role);
  }

  private policiesOfRoleId(roleId: string, label: string): FunctionPolicies {
    const documents = Object.values(this.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && ((r.Properties?.Roles as unknown[] | undefined) ?? []).some((role) => (role as { Ref?: string }).Ref === roleId))
      .map((r) => this.resolve(r.Properties?.PolicyDocument) as PolicyDocument);
    return { service: label, roleArn: this.resolve({ 'Fn::GetAtt': [roleId, 'Arn'] }) as string, documents };
  }

  /** The ARN a recorded request names, in the test account. */
  arnOf(resource: string): string {
    const [kind, name, ...rest] = resource.split('/');
    if (resource === '*') return '*';
    // Already an ARN: a test asking about a resource outside the stack on purpose.
    if (resource.startsWith('arn:')) return resource;
    if (kind === 'table' && name) {
      const table = this.only('AWS::DynamoDB::Table', (id, r) => String(r.Properties?.TableName ?? id).endsWith(`-${name}`));
      const arn = this.arn(table);
      if (rest[0] === 'stream') return `${arn}/stream/${STREAM_LABEL}`;
      return rest[0] === 'index' ? `${arn}/index/${rest[1]}` : arn;
    }
    if (kind === 'queue' && name) {
      const prefix = this.queues[name];
      if (!prefix) throw new Error(`no queue is known as ${name}`);
      return this.arn(this.only('AWS::SQS::Queue', (id) => id.startsWith(prefix)));
    }
    if (kind === 'event-bus' && name) {
      // `switchboard`: the bus the stack puts status events on, its own or the account's default one.
      const own = Object.entries(this.resources).filter(([, r]) => r.Type === 'AWS::Events::EventBus');
      if (name === 'switchboard' && own.length === 1) return this.arn((own[0] as [string, CfnResource])[0]);
      if (name === 'switchboard' || name === 'default') return `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/default`;
    }
    if (kind === 'ses-identity' && name) return `arn:aws:ses:${TEST_REGION}:${TEST_ACCOUNT}:identity/${name}`;
    if (kind === 'ses-configuration-set') return `arn:aws:ses:${TEST_REGION}:${TEST_ACCOUNT}:configuration-set/${this.ref(this.only('AWS::SES::ConfigurationSet', () => true))}`;
    if (kind === 'secret' && name) return this.arn(this.only('AWS::SecretsManager::Secret', () => true));
    if (kind === 'schedule' && name) {
      const group = this.physicalName(this.only('AWS::Scheduler::ScheduleGroup', () => true));
      return `arn:aws:scheduler:${TEST_REGION}:${TEST_ACCOUNT}:schedule/${group}/${name}`;
    }
    if (kind === 'role' && name) {
      const prefix = this.roles[name];
      if (!prefix) throw new Error(`no role is known as ${name}`);
      return this.arn(this.only('AWS::IAM::Role', (id) => id.startsWith(prefix)));
    }
    if (kind === 'pinpoint-app') return `arn:aws:mobiletargeting:${TEST_REGION}:${TEST_ACCOUNT}:apps/${this.options.pinpointApplicationId ?? 'no-application'}/messages`;
    // A name the test did not declare: an ARN no grant can match, so the check reports it.
    return `arn:aws:unknown:${TEST_REGION}:${TEST_ACCOUNT}:${resource}`;
  }

  private only(type: string, test: (id: string, resource: CfnResource) => boolean): string {
    const found = Object.entries(this.resources).filter(([id, r]) => r.Type === type && test(id, r));
    if (found.length !== 1) throw new Error(`expected one ${type} to match, found ${found.length}`);
    return (found[0] as [string, CfnResource])[0];
  }

  private environmentOf(resource: CfnResource): Record<string, unknown> {
    return (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  }

  private physicalName(id: string): string {
    const properties = this.resources[id]?.Properties ?? {};
    const named = properties.TableName ?? properties.QueueName ?? properties.Name ?? properties.RoleName ?? properties.FunctionName ?? properties.LogGroupName;
    return typeof named === 'string' ? named : `${this.options.stackName}-${id}`;
  }

  private ref(id: string): string {
    const type = this.resources[id]?.Type;
    if (type === 'AWS::SQS::Queue') return `https://sqs.${TEST_REGION}.amazonaws.com/${TEST_ACCOUNT}/${this.physicalName(id)}`;
    if (type === 'AWS::SNS::Topic') return `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:${this.physicalName(id)}`;
    // A secret's Ref is its ARN, which ends in six random characters Secrets Manager adds.
    if (type === 'AWS::SecretsManager::Secret') return `arn:aws:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:secret:${this.physicalName(id)}-AbCdEf`;
    return this.physicalName(id);
  }

  private arn(id: string): string {
    const name = this.physicalName(id);
    const type = this.resources[id]?.Type;
    const arns: Record<string, string> = {
      'AWS::DynamoDB::Table': `arn:aws:dynamodb:${TEST_REGION}:${TEST_ACCOUNT}:table/${name}`,
      'AWS::SQS::Queue': `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT}:${name}`,
      'AWS::IAM::Role': `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`,
      'AWS::Lambda::Function': `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${name}`,
      'AWS::Logs::LogGroup': `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:${name}:*`,
      'AWS::SNS::Topic': this.ref(id),
      'AWS::SecretsManager::Secret': this.ref(id),
      'AWS::Scheduler::ScheduleGroup': `arn:aws:scheduler:${TEST_REGION}:${TEST_ACCOUNT}:schedule-group/${name}`,
      'AWS::Events::EventBus': `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/${name}`,
    };
    const arn = type ? arns[type] : undefined;
    if (!arn) throw new Error(`cannot resolve the ARN of ${id} (${type ?? 'not in the template'})`);
    return arn;
  }

  private resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const node = value as Record<string, unknown>;
    const [key] = Object.keys(node);
    if (key === 'Ref') return this.resolveRef(String(node.Ref));
    if (key === 'Fn::GetAtt') {
      const [id, attribute] = node['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn') return this.arn(id);
      if (attribute === 'QueueName') return this.physicalName(id);
      if (attribute === 'StreamArn') return `${this.arn(id)}/stream/${STREAM_LABEL}`;
      throw new Error(`cannot resolve ${id}.${attribute}`);
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => String(this.resolve(part))).join(separator);
    }
    if (key?.startsWith('Fn::')) throw new Error(`cannot resolve ${key} in a policy`);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, this.resolve(v)]));
  }

  private resolveRef(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': TEST_REGION,
      'AWS::AccountId': TEST_ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.options.stackName,
    };
    const known = pseudo[name];
    if (known) return known;
    if (!this.resources[name]) throw new Error(`cannot resolve Ref ${name}`);
    return this.ref(name);
  }
}

export interface Verdict {
  request: IamRequest;
  arn: string;
  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or the simulator's complaint about the input. */
  result: string;
}

/** Simulates each request against the function's policies, as IAM would evaluate it in the test account. */
export async function simulate(stack: DeployedStack, policies: FunctionPolicies, requests: readonly IamRequest[]): Promise<Verdict[]> {
  const identityPolicies = policies.documents.map((policy, i) => ({ name: `${policies.service}-${i}`, policy }));
  return Promise.all(
    requests.map(async (request) => {
      const arn = stack.arnOf(request.resource);
      const outcome = await runSimulation(
        {
          request: { principal: policies.roleArn, action: request.action, resource: { resource: arn, accountId: TEST_ACCOUNT }, contextVariables: request.context ?? {} },
          identityPolicies,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      return { request, arn, result: outcome.resultType === 'error' ? `invalid: ${outcome.errors.message}` : outcome.overallResult };
    }),
  );
}

/**
 * Every granted action × resource that no request exercises and `UNOBSERVABLE_GRANTS` does not
 * explain, as `action on resource`. A wildcard action is always reported: no call can show that
 * all it allows is needed.
 */
export function unexercisedGrants(stack: DeployedStack, policies: FunctionPolicies, requests: readonly IamRequest[]): string[] {
  const used = requests.map((request) => ({ action: request.action.toLowerCase(), arn: stack.arnOf(request.resource) }));
  const reasons = UNOBSERVABLE_GRANTS.filter((g) => g.service === '*' || g.service === policies.service).map((g) => ({
    action: g.action.toLowerCase(),
    arn: g.resource === undefined ? undefined : stack.arnOf(g.resource),
  }));
  const explained = (action: string, resource: string) => reasons.some((r) => r.action === action.toLowerCase() && (r.arn === undefined || r.arn === resource));
  const surplus = new Set<string>();
  for (const statement of policies.documents.flatMap((document) => document.Statement)) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) throw new Error('NotAction / NotResource grants cannot be checked');
    for (const action of ([] as string[]).concat(statement.Action ?? [])) {
      for (const resource of ([] as string[]).concat(statement.Resource ?? [])) {
        const pattern = glob(resource);
        const exercised = !action.includes('*') && used.some((u) => u.action === action.toLowerCase() && pattern.test(u.arn));
        if (!exercised && !explained(action, resource)) surplus.add(`${action} on ${resource}`);
      }
    }
  }
  return [...surplus].sort();
}

/** IAM resource patterns: `*` any run of characters, `?` any one. */
function glob(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}
