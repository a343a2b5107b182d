import { malformedCustomer, parseCustomerRecord } from '../../core/customer-record.js';
import type { Customer } from '../../core/model.js';
import type { AddressChange, CustomerDirectory, MalformedCustomer } from '../../core/ports.js';

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

  /** Stores an item as another system may have written it, unchecked: `getMany` reports it if it is broken. */
  putItem(item: { customerId: string } & Record<string, unknown>): void {
    this.customers.set(item.customerId, structuredClone(item));
  }

  get(customerId: string): Customer | undefined {
    return this.customers.get(customerId);
  }

  /** Checks every record the way the table's directory does. */
  async getMany(customerIds: readonly string[]): Promise<Map<string, Customer | MalformedCustomer>> {
    this.lookups.push([...customerIds]);
    const found = new Map<string, Customer | MalformedCustomer>();
    for (const id of customerIds) {
      const stored = this.customers.get(id);
      if (!stored) continue;
      const record = parseCustomerRecord(structuredClone(stored));
      found.set(id, record.ok ? record.customer : malformedCustomer(id, record.problems));
    }
    return found;
  }

  /** A record that breaks the contract is left as it is. */
  async applyAddressChanges(customerId: string, changes: readonly AddressChange[], at: Date): Promise<void> {
    const customer = this.customers.get(customerId);
    if (!customer || !parseCustomerRecord(customer).ok) return;
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
