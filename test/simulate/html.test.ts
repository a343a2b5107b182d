import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../functions/core/model.js';
import { renderReportHtml } from '../../functions/simulate/html.js';
import { POLICIES, type PolicyName } from '../../functions/simulate/policies.js';
import type { PolicyFigures, SimulationReport } from '../../functions/simulate/report.js';

const HOSTILE = '<script>alert("x")</script> & co';

/** A policy that sent `perDay[d]` messages on day d + 1 and had a third of them engaged with, all by email. */
function figures(policy: PolicyName, perDay: number[]): PolicyFigures {
  const days = perDay.map((sent, i) => ({ day: i + 1, requests: sent, sent, engagements: Math.floor(sent / 3) }));
  const sent = perDay.reduce((a, b) => a + b, 0);
  const engagements = days.reduce((total, day) => total + day.engagements, 0);
  const channels = Object.fromEntries(CHANNELS.map((channel) => [channel, { sent: 0, engagements: 0, fees: 0 }])) as PolicyFigures['channels'];
  channels.email = { sent, engagements, fees: sent * 0.01 };
  return {
    policy,
    requests: sent,
    sent,
    notSent: 0,
    engagements,
    engagementRate: sent > 0 ? engagements / sent : 0,
    fees: sent * 0.01,
    ...(engagements > 0 ? { costPerEngagement: (sent * 0.01) / engagements } : {}),
    shareOfOracle: 0.5,
    channels,
    days,
  };
}

const report: SimulationReport = {
  population: { seed: 1, days: 3, customers: 10, requests: 30, segments: [HOSTILE, 'plain'] },
  policies: POLICIES.map((policy) => (policy === 'random' ? figures(policy, [0, 0, 0]) : figures(policy, [9, 0, 9]))),
};

describe('the simulation report page', () => {
  const page = renderReportHtml(report);

  it('escapes the names that come from the population', () => {
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(page).not.toContain('<script');
  });

  it('breaks a policy’s line on a day it sent nothing, and says so for a policy that never sent', () => {
    const path = /data-series="switchboard"[^>]*><path d="([^"]*)"/.exec(page)?.[1] ?? '';
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path).not.toContain('L');
    expect(page).toMatch(/data-bar="random"><text[^>]*>random<\/text><text class="empty"[^>]*>sent nothing<\/text>/);
  });

  it('gives a policy without engagements no cost per engagement', () => {
    expect(page).toMatch(/<th scope="row">random<\/th><td>0<\/td><td>0<\/td><td>0\.0%<\/td><td>0<\/td><td>–<\/td>/);
  });
});
