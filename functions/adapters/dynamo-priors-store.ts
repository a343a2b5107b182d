import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type LearnedPriors, learnedPriorsSchema } from '../core/learning/priors.js';
import type { PriorsSource, PriorsStore } from '../core/ports.js';
import { LEARNED_PRIORS_KEY } from '../definitions/tables.js';
import { toSwitchboardError } from './aws-errors.js';

export interface DynamoPriorsStoreOptions {
  /** The counters table: the priors are one item there, beside the frequency counters. */
  tableName: string;
}

const DAY_MS = 86_400_000;
/** Priors nobody refreshed for a week are gone, and the configured ones decide again. */
const KEEP_DAYS = 7;

/**
 * The learned priors as one item of the counters table, under a key no counter can have
 * (`LEARNED_PRIORS_KEY`). Each save replaces the item. A missing item, or one that does not fit
 * the schema, reads as no learned priors.
 */
export class DynamoPriorsStore implements PriorsSource, PriorsStore {
  private readonly tableName: string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoPriorsStoreOptions,
  ) {
    this.tableName = options.tableName;
  }

  async current(): Promise<LearnedPriors | undefined> {
    const parsed = learnedPriorsSchema.safeParse((await this.stored())?.priors);
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * The priors as they are stored, unchecked, for a reader that reports what is wrong with them;
   * undefined when there is no item. `priors` is whatever the item holds there, missing included.
   */
  async stored(): Promise<{ priors: unknown } | undefined> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { counterKey: LEARNED_PRIORS_KEY } }));
      return Item ? { priors: Item.priors } : undefined;
    } catch (error) {
      throw toSwitchboardError(error, 'counters GetItem (learned priors)');
    }
  }

  async save(priors: LearnedPriors): Promise<void> {
    const expiresAtEpoch = Math.floor((Date.parse(priors.learnedAt) + KEEP_DAYS * DAY_MS) / 1000);
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { counterKey: LEARNED_PRIORS_KEY, priors, expiresAtEpoch } }));
    } catch (error) {
      throw toSwitchboardError(error, 'counters PutItem (learned priors)');
    }
  }
}
