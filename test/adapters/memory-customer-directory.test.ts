import { describe, expect, it } from 'vitest';
import { MemoryCustomerDirectory } from '../../functions/adapters/memory/customer-directory.js';
import { isMalformedCustomer } from '../../functions/core/customer-record.js';

const T0 = new Date('2026-11-24T10:00:00Z');

describe('MemoryCustomerDirectory', () => {
  it('checks records the way the table does: a broken one comes back with its problems', async () => {
    const directory = new MemoryCustomerDirectory([{ customerId: 'good', locale: 'de-DE' }]);
    directory.putItem({ customerId: 'broken', push: 'f3c1', consent: 7 });
    const found = await directory.getMany(['good', 'broken', 'unknown']);

    expect(found.get('good')).toEqual({ customerId: 'good', locale: 'de-DE' });
    expect(found.has('unknown')).toBe(false);
    const broken = found.get('broken');
    expect(broken && isMalformedCustomer(broken) && broken.malformed.map((p) => p.path)).toEqual(['push', 'consent']);
  });

  it('hands out copies, and leaves a broken record as it is when address changes arrive', async () => {
    const directory = new MemoryCustomerDirectory([{ customerId: 'c-1', push: [{ token: 'a', platform: 'APNS' }] }]);
    const copy = (await directory.getMany(['c-1'])).get('c-1');
    if (!copy || isMalformedCustomer(copy)) throw new Error('expected a customer');
    copy.push?.splice(0);
    expect(directory.get('c-1')?.push).toHaveLength(1);

    directory.putItem({ customerId: 'broken', push: 'a', phone: { number: 12 } });
    await directory.applyAddressChanges(
      'broken',
      [
        { channel: 'push', token: 'a', kind: 'token_dead' },
        { channel: 'sms', kind: 'opted_out' },
      ],
      T0,
    );
    expect(directory.get('broken')).toEqual({ customerId: 'broken', push: 'a', phone: { number: 12 } });
  });
});
