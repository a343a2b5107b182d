import type { Customer } from '../../core/model.js';
import type { AddressChange, CustomerDirectory } from '../../core/ports.js';

/** Customers held in memory: the dry-run CLI and the core's tests. Applies address changes like the real table. */
export class MemoryCustomerDirectory implements CustomerDirectory {
  readonly lookups: string[][] = [];
  private readonly customers = new Map<string, Customer>();

  constructor(customers: Iterable<Customer> = []) {
    for (const customer of customers) this.put(customer);
  }

  put(customer: Customer): void {
    this.customers.set(customer.customerId, structuredClone(customer));
  }

  get(customerId: string): Customer | undefined {
    return this.customers.get(customerId);
  }

  async getMany(customerIds: readonly string[]): Promise<Map<string, Customer>> {
    this.lookups.push([...customerIds]);
    const found = new Map<string, Customer>();
    for (const id of customerIds) {
      const customer = this.customers.get(id);
      if (customer) found.set(id, structuredClone(customer));
    }
    return found;
  }

  async applyAddressChanges(customerId: string, changes: readonly AddressChange[], at: Date): Promise<void> {
    const customer = this.customers.get(customerId);
    if (!customer) return;
    const updatedAt = at.toISOString();
    for (const change of changes) {
      if (change.channel === 'sms') {
        if (customer.phone) Object.assign(customer.phone, { status: 'suppressed', reason: 'opted_out', updatedAt });
        customer.consent = { ...customer.consent, sms: { ...customer.consent?.sms, '*': { value: 'opt_out', updatedAt, source: 'sms_opt_out' } } };
        continue;
      }
      const token = customer.push?.find((t) => t.token === change.token);
      if (!token) continue;
      if (change.kind === 'token_dead') Object.assign(token, { status: 'suppressed', reason: 'invalid', updatedAt });
      else Object.assign(token, { token: change.newToken, updatedAt });
    }
  }
}
