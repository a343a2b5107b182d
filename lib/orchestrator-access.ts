import type { DynamoAction } from './constructs/tables.js';

/**
 * Everything the orchestrator may do on each table. The stack grants exactly this, and the
 * pipeline test checks every DynamoDB call the real handler makes against it, so a new kind of
 * write cannot reach production without its permission.
 */
export const ORCHESTRATOR_TABLE_ACCESS = {
  customers: ['GetItem', 'BatchGetItem', 'UpdateItem', 'PartiQLUpdate'],
  deliveries: ['PutItem', 'BatchWriteItem', 'UpdateItem', 'DeleteItem', 'GetItem'],
  counters: ['UpdateItem'],
  inbox: ['PutItem'],
} as const satisfies Record<'customers' | 'deliveries' | 'counters' | 'inbox', readonly DynamoAction[]>;
