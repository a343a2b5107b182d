import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV, countersTable, customersTable, deliveriesTable, inboxTable, type KeyAttribute, type TableDefinition } from '../../functions/definitions/tables.js';

/** `PartiQLUpdate` authorizes each UPDATE statement of a `BatchExecuteStatement`. */
export type DynamoAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan' | 'BatchWriteItem' | 'PartiQLUpdate';

export interface TableAccess {
  /** Allowed on the table itself. */
  actions: readonly DynamoAction[];
  /** Indexes the function may Query, by name; never `index/*`. */
  queryIndexes?: readonly string[];
}

export interface SwitchboardTableProps {
  definition: TableDefinition;
  tableName: string;
  /** Outside dev, tables survive stack deletion and resist accidental deletes. */
  protect: boolean;
}

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/** One table built from its shared definition; `bind` is the only way a function gets at it. */
export class SwitchboardTable extends Construct {
  readonly table: dynamodb.Table;
  private readonly definition: TableDefinition;

  constructor(scope: Construct, id: string, props: SwitchboardTableProps) {
    super(scope, id);
    const { definition } = props;
    this.definition = definition;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: attribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      ...(definition.stream === 'NEW_AND_OLD_IMAGES' ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.protect,
      removalPolicy: props.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of definition.globalSecondaryIndexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        projectionType: index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
      });
    }
  }

  /** Sets the table-name variable the handler reads and grants exactly `access`, together so they cannot drift. */
  bind(fn: lambda.Function, access: TableAccess): void {
    fn.addEnvironment(ENV[`${this.definition.logicalName}Table`], this.table.tableName);
    if (access.actions.length > 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: access.actions.map((action) => `dynamodb:${action}`),
          resources: [this.table.tableArn],
        }),
      );
    }
    const known = new Set((this.definition.globalSecondaryIndexes ?? []).map((index) => index.indexName));
    for (const indexName of access.queryIndexes ?? []) {
      if (!known.has(indexName)) {
        throw new Error(`Table ${this.definition.logicalName} has no index ${indexName}`);
      }
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${this.table.tableArn}/index/${indexName}`] }));
    }
  }

  /**
   * Hands every change of the table to `fn` through the table's stream: the event source mapping
   * (from the oldest record, reporting partial batch failures, halving a batch that fails the
   * function, then parking it) and the stream reads Lambda makes with the function's role, as
   * Lambda's documented policy for stream sources lists them, on this stream only.
   */
  streamTo(fn: lambda.Function, consumer: StreamConsumer): void {
    const streamArn = this.table.tableStreamArn;
    if (!streamArn) throw new Error(`Table ${this.definition.logicalName} has no stream`);
    fn.addEventSourceMapping('Stream', {
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: consumer.batchSize,
      ...(consumer.maxBatchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds) } : {}),
      bisectBatchOnError: true,
      retryAttempts: consumer.retryAttempts,
      onFailure: consumer.onFailure,
      reportBatchItemFailures: true,
    });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        resources: [streamArn],
      }),
    );
  }
}

export interface StreamConsumer {
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Retries of a failing batch, halved on each function error, before `onFailure` gets its description. */
  retryAttempts: number;
  onFailure: lambda.IEventSourceDlq;
}

export interface SwitchboardTablesProps {
  /** Physical names are `<prefix><logicalName>`, as the shared definitions prescribe. */
  namePrefix: string;
  protect: boolean;
}

export class SwitchboardTables extends Construct {
  readonly customers: SwitchboardTable;
  readonly deliveries: SwitchboardTable;
  readonly inbox: SwitchboardTable;
  readonly counters: SwitchboardTable;

  constructor(scope: Construct, id: string, props: SwitchboardTablesProps) {
    super(scope, id);
    const build = (logicalId: string, definition: TableDefinition) =>
      new SwitchboardTable(this, logicalId, {
        definition,
        tableName: `${props.namePrefix}${definition.logicalName}`,
        protect: props.protect,
      });
    this.customers = build('Customers', customersTable);
    this.deliveries = build('Deliveries', deliveriesTable);
    this.inbox = build('Inbox', inboxTable);
    this.counters = build('Counters', countersTable);
  }

  /**
   * The feedback use case (SES and SMS events, inbox reads, unsubscribes): find the delivery,
   * move its status forward, update engagement and suppressions on the customer. `readsConsent`
   * adds the consent read before an opt-out from every topic, which only complaints cause.
   * `recordsEngagement` adds the read of a customer's channel before an open or a click refreshes
   * its faded evidence (docs/decision.md); unsubscribes never record one.
   */
  bindFeedbackRecorder(fn: lambda.Function, options: { readsConsent?: boolean; recordsEngagement?: boolean } = {}): void {
    this.deliveries.bind(fn, { actions: ['GetItem', 'UpdateItem'] });
    const actions: DynamoAction[] = ['UpdateItem', ...(options.readsConsent ? (['BatchGetItem'] as const) : []), ...(options.recordsEngagement ? (['GetItem'] as const) : [])];
    this.customers.bind(fn, { actions });
  }
}
