import type { Customer } from '../../core/model.js';

export interface AddressFact {
  label: string;
  value: string;
  status: 'active' | 'suppressed';
  reason?: string;
}

export interface CustomerFacts {
  customerId: string;
  name: string;
  note?: string;
  locale?: string;
  timeZone?: string;
  /** `HH:MM` in the customer's time zone right now. */
  localTime?: string;
  /** Where the stored context says the customer is, in words, e.g. "in store flagship". */
  moment?: string;
  addresses: AddressFact[];
  preferred: string[];
}

/** The facts about a customer that explain the choices made for them, as the page shows them. */
export function describeCustomer(customer: Customer, note: string | undefined, now: Date): CustomerFacts {
  const name = String(customer.attributes?.firstName ?? customer.customerId);
  const moment = momentOf(customer, now);
  return {
    customerId: customer.customerId,
    name,
    ...(note ? { note } : {}),
    ...(customer.locale ? { locale: customer.locale } : {}),
    ...(customer.timeZone ? { timeZone: customer.timeZone, localTime: localTime(customer.timeZone, now) } : {}),
    ...(moment ? { moment } : {}),
    addresses: addresses(customer),
    preferred: customer.preferences?.preferredChannels ?? [],
  };
}

function addresses(customer: Customer): AddressFact[] {
  const facts: AddressFact[] = [];
  const state = (s: { status?: string; reason?: string }) => ({
    status: s.status === 'suppressed' ? ('suppressed' as const) : ('active' as const),
    ...(s.reason ? { reason: s.reason } : {}),
  });
  if (customer.email) facts.push({ label: 'email', value: customer.email.address, ...state(customer.email) });
  if (customer.phone) facts.push({ label: 'phone', value: customer.phone.number, ...state(customer.phone) });
  for (const token of customer.push ?? []) facts.push({ label: `push ${token.platform}`, value: token.token, ...state(token) });
  if (customer.inApp) facts.push({ label: 'in-app', value: customer.inApp.enabled ? 'enabled' : 'disabled', status: customer.inApp.enabled ? 'active' : 'suppressed' });
  return facts;
}

function momentOf(customer: Customer, now: Date): string | undefined {
  const context = customer.context;
  if (!context) return undefined;
  const sessionUntil = context.sessionActiveUntil ? Date.parse(context.sessionActiveUntil) : Number.NaN;
  if (sessionUntil > now.getTime()) return `in the app for ${Math.round((sessionUntil - now.getTime()) / 60_000)} more min`;
  if (!context.surface) return undefined;
  const ago = context.observedAt ? ` (seen ${Math.max(0, Math.round((now.getTime() - Date.parse(context.observedAt)) / 60_000))} min ago)` : '';
  return context.surface === 'store' ? `in store ${context.storeId ?? ''}${ago}`.replace('  ', ' ') : `${context.surface}${ago}`;
}

function localTime(timeZone: string, now: Date): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
  } catch {
    return undefined;
  }
}
