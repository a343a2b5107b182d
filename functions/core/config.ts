import type { Category, Channel, QuietHours, ScoreComponent, Surface } from './model.js';
import type { CapLimits } from './ports.js';
import { DEFAULT_DEFERRAL_RULES, type DeferralRules } from './timing/deferral.js';

/** How much each signal about the customer's current moment favours a channel, raw 0..1. */
export interface ContextConfig {
  /** A surface read from the stored profile counts only this long after its `observedAt`. */
  surfaceFreshMinutes: number;
  /** The app is open right now (request `sessionActive`, or stored `sessionActiveUntil` in the future). */
  sessionActive: Partial<Record<Channel, number>>;
  surface: Record<Surface, Partial<Record<Channel, number>>>;
}

export interface PreferenceConfig {
  /** Raw points for the customer's first preferred channel; later ones get proportionally less. */
  customerOrder: number;
  /** Raw points for the first channel of the request's allow-list; later ones get proportionally less. */
  senderOrder: number;
}

export interface UrgencyConfig {
  /** Urgency grows linearly from 0 to 1 as `expiresAt` comes closer than this. */
  horizonMinutes: number;
  /** Urgency floor for `priority: high` requests. */
  highPriority: number;
  /** How soon a message on the channel is seen, 0..1; urgency is multiplied by it. */
  instant: Record<Channel, number>;
  /** In-app replaces `instant.in_app` while an app session is active: the customer is looking at it. */
  inAppDuringSession: number;
}

export interface LearningConfig {
  /** A message's outcome counts half after this many days in a customer's own history. */
  halfLifeDays: number;
  /**
   * The same for the learned priors. They see every customer's messages, so they can afford to
   * forget faster, and so follow a population whose habits change within days.
   */
  priorsHalfLifeDays: number;
  /** How many messages a moment's own rate is worth against its channel's, in the learned priors. */
  momentStrength: number;
  /**
   * Finding when a stated preference's rate changed, in the learned priors (docs/decision.md,
   * "When customers change"): the messages are counted in blocks of `blockHours`, and a change
   * between two blocks counts when it explains the messages better than one rate by `evidence`
   * (twice the log-likelihood ratio), with at least `minMessages` on each side.
   */
  change: { blockHours: number; minMessages: number; evidence: number };
  exploration: {
    /** Exploration is for messages that can afford it: an order update goes where it is surest to be seen. */
    categories: Category[];
    /** The most a sampled engagement rate may differ from the expected one: a bound on how far a choice can stray. */
    maxShift: number;
  };
}

export interface DecisionConfig {
  /** Multiplies each component's raw value; the score is the sum of the products. */
  weights: Record<ScoreComponent, number>;
  /** Engagement prior per channel as Beta smoothing: `rate` in 0..1, `strength` in pseudo-deliveries. */
  priors: Record<Channel, { rate: number; strength: number }>;
  /** Relative cost per message, 0..1, subtracted through `weights.cost`. */
  cost: Record<Channel, Record<Category, number>>;
  caps: Record<Channel, Partial<Record<Category, CapLimits>>>;
  defaultQuietHours: QuietHours;
  /** Channels that interrupt (a sound, a buzz) and therefore respect quiet hours. */
  quietHourChannels: Channel[];
  urgency: UrgencyConfig;
  context: ContextConfig;
  preference: PreferenceConfig;
  /** When the best channel is closed by the clock: wait for it, or take the best one open now. */
  deferral: DeferralRules;
  learning: LearningConfig;
}

export const defaultDecisionConfig: DecisionConfig = {
  // Tuned with `switchboard simulate` on the shipped populations (docs/simulate.md), not by hand:
  // engagement is an expected rate (0..1), so its weight sets what one expected engagement is worth
  // against the other parts.
  weights: {
    // The moment is the point of the product: where the customer is looking now. Kept even where
    // the learned priors already know the moment, because it speaks before there is any history.
    context: 0.4,
    // Stated preferences are often wrong; what they are worth is learned (priors by stated preference).
    preference: 0.05,
    // The chance of an open or click, learned: 10 points of rate are worth 0.4.
    engagement: 4,
    // Strong enough that a moment ending within about an hour moves an email-preferring customer to push.
    urgency: 0.5,
    // A marketing SMS (cost 1) must earn about 37 more points of engagement rate than a free channel.
    cost: 1.5,
    // Exploration pays back slowly when a customer gets a few messages a week: kept small and bounded.
    exploration: 1,
  },
  priors: {
    // Rates are "delivered messages the customer opened or clicked": where a new deployment
    // starts, until the refresher has learned the population's own (docs/decision.md). Strength 10
    // means a customer's own history outweighs the prior after about ten deliveries on that channel.
    push: { rate: 0.15, strength: 10 },
    // Open tracking inflates email (privacy proxies fetch pixels), so its nominal rate is higher.
    email: { rate: 0.2, strength: 10 },
    // SMS is read almost always but only link clicks are measurable.
    sms: { rate: 0.15, strength: 10 },
    // Inbox items are seen whenever the app is opened, but only then.
    in_app: { rate: 0.15, strength: 10 },
  },
  cost: {
    // Per-part SMS prices are orders of magnitude above email or push, and promotional texts earn
    // less per message than an order update the customer is waiting for.
    sms: { marketing: 1, transactional: 0.4 },
    email: { marketing: 0.05, transactional: 0.05 },
    push: { marketing: 0.02, transactional: 0.02 },
    in_app: { marketing: 0, transactional: 0 },
  },
  caps: {
    // Marketing only: an order update must never be held back by a counter, and idempotency
    // already prevents duplicates. Conservative starting points against promotional fatigue; tune per brand.
    push: { marketing: { perDay: 2, perWeek: 7 } },
    sms: { marketing: { perDay: 1, perWeek: 2 } },
    email: { marketing: { perDay: 2, perWeek: 7 } },
    in_app: { marketing: { perDay: 5 } },
  },
  // docs/timing.md: missing preferences.quietHours means 21:00–08:00 in the customer's time zone.
  defaultQuietHours: { start: '21:00', end: '08:00' },
  // Email and in-app are silent: they wait in an inbox until the customer looks.
  quietHourChannels: ['push', 'sms'],
  urgency: {
    // Email is typically read hours later; a moment ending within two hours is at risk on it.
    horizonMinutes: 120,
    // High priority counts as if 24 minutes were left: instant channels win unless the customer is elsewhere.
    highPriority: 0.8,
    instant: { push: 1, sms: 1, email: 0, in_app: 0 },
    inAppDuringSession: 1,
  },
  context: {
    // A store visit or web visit is a moment; a stale one says nothing about now.
    surfaceFreshMinutes: 90,
    // In-app is what the customer is looking at; a push still shows as a banner inside the open app.
    sessionActive: { in_app: 1, push: 0.2 },
    surface: {
      // Surface "app" without a known live session: probably in the app, not certainly.
      app: { in_app: 0.6, push: 0.3 },
      // Phone in pocket while shopping: push reaches the lock screen, in-app would wait.
      store: { push: 1, sms: 0.2 },
      web: { email: 0.3, in_app: 0.3 },
      // Away from every digital surface: only what buzzes the phone arrives in time.
      offline: { sms: 0.6, push: 0.4 },
    },
  },
  // The customer's own word counts double the sender's ordering, which already limits the channels.
  preference: { customerOrder: 1, senderOrder: 0.5 },
  deferral: DEFAULT_DEFERRAL_RULES,
  learning: {
    // A week: habits change (a customer stops reading push) faster than a month-long memory follows.
    halfLifeDays: 7,
    priorsHalfLifeDays: 4,
    momentStrength: 50,
    // Fading alone believes a group that stopped reading push only after a half-life or two, and
    // longer still once fewer messages go there; a found change sets the older messages aside at
    // once. Blocks of 3 hours place it within a morning. A ratio of 15 is what about one in ten
    // thousand stable groups would show by chance at a given boundary, so with about a hundred
    // boundaries tried, a stable group is rarely split; 20 messages a side keep a lucky handful
    // from setting a rate. The simulator's drift population moved most with these.
    change: { blockHours: 3, minMessages: 20, evidence: 15 },
    exploration: { categories: ['marketing'], maxShift: 0.05 },
  },
};
