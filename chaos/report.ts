import { DEFAULT_HTTP_TIMEOUTS } from '../functions/adapters/http-timeouts.js';
import type { Violation } from './invariants.js';
import type { ChaosResult } from './run-chaos.js';

/** The least share of the handlers' AWS calls that must have been failed for a run to prove anything. */
export const MIN_FAULTED_SHARE = 0.1;
const SHOWN = 8;

export interface Verdict {
  passed: boolean;
  faultedShare: number;
  counts: { lost: number; duplicated: number; unconsented: number; overCap: number };
  failures: string[];
}

export function verdict(result: ChaosResult): Verdict {
  const { invariants: inv, faults } = result;
  const operations = sum(Object.values(faults.operations));
  const faulted = sum(Object.values(faults.injected).flatMap((kinds) => Object.values(kinds)));
  const faultedShare = operations === 0 ? 0 : faulted / operations;
  const counts = { lost: inv.lost.length, duplicated: inv.duplicated.length, unconsented: inv.unconsented.length, overCap: inv.overCap.length };
  const failures = [
    ...Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name}: ${n}`),
    ...(inv.poisonUnrecorded.length > 0 ? [`poison without a REJECTED record: ${inv.poisonUnrecorded.length}`] : []),
    ...(inv.deadLetters.unexplained.length > 0 ? [`dead letters without a reason on record: ${inv.deadLetters.unexplained.length}`] : []),
    ...(inv.logs.leaks.length > 0 ? [`log lines with personal data or content: ${inv.logs.leaks.length}`] : []),
    ...(result.drained ? [] : ['the queue did not drain in time']),
    ...(faultedShare < MIN_FAULTED_SHARE ? [`only ${(faultedShare * 100).toFixed(1)} % of operations faulted`] : []),
  ];
  return { passed: failures.length === 0, faultedShare, counts, failures };
}

/** The run's report: the seed, the faults injected, what reached the handlers, and each promise with evidence. */
export function formatReport(result: ChaosResult): string {
  const v = verdict(result);
  const { faults, invariants: inv, settings } = result;
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  out(`chaos run, seed ${settings.seed} (replay: npm run chaos -- --seed ${settings.seed} --requests ${settings.requests}${settings.short ? ' --short' : ''})`);
  out(
    `${settings.requests} requests, ${settings.customers} customers, ${faults.queue.messages} messages (${faults.queue.copies} copies, ${faults.queue.poison} poison), ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  out(
    `${settings.workers} concurrent invocations of ${settings.batchSize} messages, function timeout ${settings.functionTimeoutMs / 1000} s, visibility ${settings.visibilityTimeoutSeconds} s, lease ${settings.leaseMs / 1000} s, SDK request timeout ${DEFAULT_HTTP_TIMEOUTS.requestMs} ms`,
  );
  out();
  out('operations seen (handler calls to AWS, SDK retries included) and faults injected:');
  for (const [operation, n] of Object.entries(faults.operations).sort()) {
    const kinds = faults.injected[operation] ?? {};
    const injected = Object.entries(kinds)
      .map(([kind, k]) => `${kind} ${k}`)
      .join(', ');
    out(`  ${operation.padEnd(44)} ${String(n).padStart(7)}${injected ? `   faulted: ${injected}` : ''}`);
  }
  const totalOps = sum(Object.values(faults.operations));
  out(`  faulted ${(v.faultedShare * 100).toFixed(1)} % of ${totalOps} operations (at least ${MIN_FAULTED_SHARE * 100} % required)`);
  out('  not injected: a provider timeout after the provider accepted (the known at-least-once limit: SES and SNS take no idempotency key),');
  out('  nor a crash between a provider accepting and the record of it (the same limit); Lambda-style timeouts may still land there and are reported');
  out();
  out('faults by kind:');
  const byKind: Record<string, number> = {};
  for (const kinds of Object.values(faults.injected)) for (const [kind, n] of Object.entries(kinds)) byKind[kind] = (byKind[kind] ?? 0) + n;
  for (const [kind, n] of Object.entries(byKind).sort()) out(`  ${kind.padEnd(28)} ${n}`);
  out(`  ${'invocation crashed'.padEnd(28)} ${faults.invocations.crashed} of ${faults.invocations.total} invocations`);
  out(`  ${'invocation timed out'.padEnd(28)} ${faults.invocations.timedOut} (${faults.invocations.caughtInWindow} requests caught between a send and its record)`);
  out(`  ${'invocation threw'.padEnd(28)} ${faults.invocations.threw}`);
  const d = faults.invocations.durationMs;
  out(`  (invocations took p50 ${(d.p50 / 1000).toFixed(1)} s, p95 ${(d.p95 / 1000).toFixed(1)} s, max ${(d.max / 1000).toFixed(1)} s)`);
  out(`  ${'SQS message sent twice'.padEnd(28)} ${faults.queue.copies}; every message shuffled`);
  out(`  ${'poison message'.padEnd(28)} ${faults.queue.poison}`);
  out(`  ${'feedback event twice'.padEnd(28)} ${faults.feedback.duplicated} of ${sum(Object.values(faults.feedback.events))}, all delayed at random (out of order)`);
  out(`faults that reached handler code: ${sum(Object.values(faults.reachedHandlers))}`);
  for (const [where, n] of Object.entries(faults.reachedHandlers)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12))
    out(`  ${where.padEnd(60)} ${n}`);
  out(
    `feedback: ${faults.feedback.invocations} invocations, ${faults.feedback.retried} retried after throwing, ${faults.feedback.dropped} events given up; outcomes ${JSON.stringify(faults.feedback.outcomes)}`,
  );
  out(`event loop delay of this process: p99 ${faults.eventLoopDelayMs.p99.toFixed(0)} ms, max ${faults.eventLoopDelayMs.max.toFixed(0)} ms`);
  out(`records by status: ${JSON.stringify(inv.statuses)}`);
  const failures = Object.entries(inv.failures).sort(([, a], [, b]) => b - a);
  for (const [reason, count] of failures.slice(0, 5)) out(`  failed attempt ${count}× ${reason}`);
  const c = inv.coverage;
  out(`exercised: ${c.accepted} messages accepted; exclusions on record ${JSON.stringify(c.exclusions)}`);
  out(
    `  consent changed by feedback ${JSON.stringify(c.consentChanges)}; afterwards ${c.requestsAfterConsentChange} requests of those customers were handled and ${c.sendsAfterConsentChange} of their messages accepted on the changed channel`,
  );
  out();
  out(`lost ${v.counts.lost}, duplicated ${v.counts.duplicated}, unconsented ${v.counts.unconsented}, over cap ${v.counts.overCap}`);
  section(out, '(1) lost: valid requests without one terminal record', inv.lost);
  section(out, '(1) poison without a REJECTED record', inv.poisonUnrecorded);
  section(out, '(2) duplicated: a channel of one request accepted twice', inv.duplicated);
  section(out, '(3) unconsented: sent on a channel consent excluded at send time', inv.unconsented);
  section(out, '(4) over cap: windows past a frequency cap', inv.overCap);
  out(`(5) dead-letter queue: ${inv.deadLetters.total} messages, ${inv.deadLetters.unexplained.length} without a reason on record`);
  for (const d of inv.deadLetters.unexplained.slice(0, SHOWN)) out(`    ${d.requestId.slice(0, 80)}: ${d.detail}`);
  out(`(6) handler logs: ${inv.logs.lines} lines in ${result.logPath}, ${inv.logs.leaks.length} give away personal data or content`);
  for (const leak of inv.logs.leaks.slice(0, SHOWN)) out(`    line ${leak.line}: ${leak.what}`);
  section(out, "also found (not one of the four counts): accepted messages missing from their request's record", inv.offRecord);
  section(out, 'also found (not one of the four counts): provider events for accepted messages that feedback refused as "mismatch"', inv.refusedFeedback);
  if (inv.unattributed.length > 0) {
    out(`accepted messages that name no request of the run, or another request's body: ${inv.unattributed.length}`);
    for (const u of inv.unattributed.slice(0, SHOWN)) out(`    ${u}`);
  }
  if (!result.drained) out('the queue did not drain before the drain timeout');
  out();
  out(v.passed ? 'PASSED: every promise held' : `FAILED: ${v.failures.join('; ')}`);
  return lines.join('\n');
}

function section(out: (line?: string) => void, title: string, violations: Violation[]): void {
  if (violations.length === 0) return;
  out(`${title}: ${violations.length}`);
  for (const v of violations.slice(0, SHOWN)) out(`    ${v.requestId.slice(0, 80)}: ${v.detail}`);
  if (violations.length > SHOWN) out(`    … and ${violations.length - SHOWN} more`);
}

function sum(values: number[]): number {
  return values.reduce((total, n) => total + n, 0);
}
