import type { Channel } from '../core/model.js';
import type { PolicyName } from './policies.js';

export interface DayFigures {
  day: number;
  requests: number;
  sent: number;
  engagements: number;
}

export interface PolicyFigures {
  policy: PolicyName;
  requests: number;
  sent: number;
  /** Requests no eligible channel could carry, or whose every eligible channel was at its cap. */
  notSent: number;
  engagements: number;
  /** Engagements per message sent. */
  engagementRate: number;
  fees: number;
  /** Fees per engagement; absent when nothing was engaged with. */
  costPerEngagement?: number;
  /** Engagements as a share of the oracle's, on the same requests and draws. */
  shareOfOracle: number;
  channels: Record<Channel, { sent: number; engagements: number; fees: number }>;
  days: DayFigures[];
}

export interface SimulationReport {
  population: { seed: number; days: number; customers: number; requests: number; segments: string[] };
  policies: PolicyFigures[];
}
