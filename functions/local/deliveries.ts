import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDeliveryLog } from '../adapters/dynamo-delivery-log.js';
import type { DeliveryRecord } from '../core/model.js';

export interface DeliveryReader {
  get(requestId: string): Promise<DeliveryRecord | undefined>;
  /** Every delivery record, oldest first; the local table is small enough to read whole. */
  all(): Promise<DeliveryRecord[]>;
}

/** Storage-only attributes the page has no use for. */
const HIDDEN = ['leaseUntil', 'expiresAtEpoch', 'seenEvents', 'seenEventsEarlier', 'countedEngagement'] as const;

export function dynamoDeliveryReader(documents: DynamoDBDocumentClient, tableName: string): DeliveryReader {
  const log = new DynamoDeliveryLog(documents, { tableName });
  return {
    get: (requestId) => log.getDelivery(requestId),
    async all() {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items
        .filter((item) => typeof item.customerId === 'string' && typeof item.status === 'string')
        .map((item) => {
          const record = { ...item };
          for (const key of HIDDEN) delete record[key];
          // A request still in flight has no createdAt yet (the claim leaves it to the final write).
          return { attempts: [], timeline: [], createdAt: item.updatedAt, ...record } as unknown as DeliveryRecord;
        })
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.requestId.localeCompare(b.requestId));
    },
  };
}
