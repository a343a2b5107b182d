import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { OBSERVED_ATTRIBUTES } from '../core/learning/observations.js';
import type { DeliverySample, SampleSummary } from '../core/ports.js';
import { toSwitchboardError } from './aws-errors.js';

export interface DynamoDeliverySampleOptions {
  tableName: string;
}

/**
 * A Scan of the deliveries table, page by page, that stops once `maxItems` items were read:
 * each page asks for no more than what is left, and DynamoDB counts an item read whether or not
 * the filter keeps it. Only the attributes learning needs come back, and only from records
 * created at or after `since`. Eventually consistent reads: half the cost, and a record written
 * a moment ago is counted at the next refresh.
 */
export class DynamoDeliverySample implements DeliverySample {
  private readonly tableName: string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoDeliverySampleOptions,
  ) {
    this.tableName = options.tableName;
  }

  async read(since: Date, maxItems: number, visit: (item: Record<string, unknown>) => void): Promise<SampleSummary> {
    if (maxItems <= 0) return { read: 0, complete: false };
    const { projection, names } = projectionOf(OBSERVED_ATTRIBUTES);
    let read = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.scan({
        TableName: this.tableName,
        Limit: maxItems - read,
        ProjectionExpression: projection,
        FilterExpression: '#createdAt >= :since',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':since': since.toISOString() },
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      read += page.ScannedCount ?? 0;
      for (const item of page.Items ?? []) visit(item);
      start = page.LastEvaluatedKey;
    } while (start && read < maxItems);
    return { read, complete: start === undefined };
  }

  private async scan(input: ConstructorParameters<typeof ScanCommand>[0]) {
    try {
      return await this.client.send(new ScanCommand(input));
    } catch (error) {
      throw toSwitchboardError(error, 'deliveries Scan');
    }
  }
}

/** `decision.moment` → `#decision.#moment`, every name a placeholder: several are reserved words. */
function projectionOf(paths: readonly string[]): { projection: string; names: Record<string, string> } {
  const names: Record<string, string> = { '#createdAt': 'createdAt' };
  const projection = paths.map((path) =>
    path
      .split('.')
      .map((part) => {
        names[`#${part}`] = part;
        return `#${part}`;
      })
      .join('.'),
  );
  return { projection: projection.join(', '), names };
}
