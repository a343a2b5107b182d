/**
 * List prices the cost figures use, in USD, us-east-1, without free tiers (the marginal price
 * of one more million messages). Each group names the page it comes from and when it was set
 * down here; check the page again before quoting a figure.
 */
interface Source {
  source: string;
  asOf: string;
}

export interface Prices {
  region: string;
  lambda: Source & { perGbSecondArm: number; perMillionRequests: number };
  sqs: Source & { perMillionRequests: number; chunkBytes: number };
  dynamodb: Source & { perMillionWriteUnits: number; perMillionReadUnits: number; storagePerGbMonth: number };
  saas: readonly (Source & { name: string; low: number; high: number; basis: string })[];
}

export const PRICES: Prices = {
  region: 'us-east-1',
  lambda: {
    /** Arm (Graviton) compute, the architecture the stack deploys. */
    perGbSecondArm: 0.0000133334,
    perMillionRequests: 0.2,
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: '2026-11-24',
  },
  sqs: {
    /** Standard queue; every API action is a request, a batch of up to 10 messages included. */
    perMillionRequests: 0.4,
    /** Each 64 KB chunk of a payload is billed as one request. */
    chunkBytes: 64 * 1024,
    source: 'https://aws.amazon.com/sqs/pricing/',
    asOf: '2026-11-24',
  },
  dynamodb: {
    /** On-demand capacity, standard table class (prices since the on-demand reduction of 2024-11-01). */
    perMillionWriteUnits: 0.625,
    perMillionReadUnits: 0.125,
    storagePerGbMonth: 0.25,
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: '2026-11-24',
  },
  /** Published prices of hosted notification services, per million messages (or runs). */
  saas: [
    { name: 'Knock', low: 5_000, high: 5_000, basis: '$0.005 per message', source: 'https://knock.app/pricing', asOf: '2026-11-24' },
    { name: 'Novu', low: 1_200, high: 1_200, basis: '$1.20 per 1,000 workflow runs', source: 'https://novu.co/pricing', asOf: '2026-11-24' },
    { name: 'SuprSend', low: 2_000, high: 5_000, basis: '$2–5 per 1,000 notifications', source: 'https://www.suprsend.com/pricing', asOf: '2026-11-24' },
  ],
};
