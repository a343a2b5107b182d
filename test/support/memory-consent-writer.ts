import type { MemoryCustomerDirectory } from '../../functions/adapters/memory/customer-directory.js';
import { storedConsentFacts, supersedes } from '../../functions/core/consent-precedence.js';
import { PermanentError } from '../../functions/core/errors.js';
import type { ConsentChange, ConsentWriteResult, ConsentWriter } from '../../functions/core/ports.js';

/** Consent written into a MemoryCustomerDirectory's records, newer-wins like the table's writer. */
export class MemoryConsentWriter implements ConsentWriter {
  readonly calls: ConsentChange[][] = [];

  constructor(private readonly customers: MemoryCustomerDirectory) {}

  async apply(customerId: string, changes: readonly ConsentChange[]): Promise<ConsentWriteResult> {
    this.calls.push([...changes]);
    const customer = this.customers.get(customerId);
    if (!customer) throw new PermanentError('no customer with this id', 'UNKNOWN_CUSTOMER');
    const result: ConsentWriteResult = { applied: [], stale: [] };
    for (const change of changes) {
      const book = (customer.consent ??= {});
      const topics = (book[change.channel] ??= {});
      if (!supersedes(change, storedConsentFacts(topics[change.topic]))) {
        result.stale.push(change);
        continue;
      }
      topics[change.topic] = { value: change.value, updatedAt: change.updatedAt, source: change.source };
      result.applied.push(change);
    }
    return result;
  }
}
