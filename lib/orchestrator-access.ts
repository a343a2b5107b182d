import type { DynamoAction } from './constructs/tables.js';

/**
 * Everything the orchestrator may do on each table. The stack grants exactly this; the pipeline
 * test simulates every call the real handler makes against the synthesized policy and fails on
 * any grant no call uses, so a new kind of write cannot reach production without its permission
 * and a permission nothing uses does not stay.
 */
export const ORCHESTRATOR_TABLE_ACCESS = {
  customers: ['GetItem', 'BatchGetItem', 'UpdateItem', 'PartiQLUpdate'],
  deliveries: ['PutItem', 'BatchWriteItem', 'UpdateItem'],
  // Counting sends, and reading the learned priors kept beside the counters.
  counters: ['UpdateItem', 'GetItem'],
  inbox: ['PutItem'],
} as const satisfies Record<'customers' | 'deliveries' | 'counters' | 'inbox', readonly DynamoAction[]>;
