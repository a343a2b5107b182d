import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { isRetryable, SwitchboardError } from '../../functions/core/errors.js';
import type { BusEntry, EntryBus, RefusedEntry } from '../../functions/core/events/ports.js';
import { createSmsStatusFanoutHandler, SMS_STATUS_EVENTS_REFUSED } from '../../functions/sms-status-fanout/create-handler.js';
import { awslogsEvent, smsFixture } from '../support/feedback-fixtures.js';
import { context } from '../support/inbox-world.js';

const logger = new Logger({ serviceName: 'switchboard-sms-status-fanout', logLevel: 'SILENT' });

/** Keeps what it takes; refuses, with the code, the entries `refuse` names. */
class FakeBus implements EntryBus {
  readonly calls: BusEntry[][] = [];
  constructor(private readonly refuse: (entry: BusEntry, index: number) => string | undefined = () => undefined) {}

  async put(entries: readonly BusEntry[]): Promise<RefusedEntry[]> {
    this.calls.push([...entries]);
    return entries.flatMap((entry, index) => {
      const code = this.refuse(entry, index);
      return code ? [{ index, code }] : [];
    });
  }
}

describe('the SMS status fan-out handler', () => {
  it('puts one event per status record and reports what it forwarded and skipped', async () => {
    const bus = new FakeBus();
    const handler = createSmsStatusFanoutHandler({ bus }, logger);
    const info = vi.spyOn(logger, 'info');
    const summary = await handler(awslogsEvent([smsFixture('sms-success'), 'not json', smsFixture('sms-failure')]), context);
    expect(summary).toEqual({ forwarded: 2, skipped: 1 });
    expect(info).toHaveBeenCalledWith('log event skipped', { path: 'logEvents.1', reason: 'log message is not a JSON object' });
    expect(bus.calls).toHaveLength(1);
    expect(bus.calls[0]?.map((e) => (JSON.parse(e.Detail) as { record: { status: string } }).record.status)).toEqual(['SUCCESS', 'FAILURE']);
  });

  it('makes no call for the control message, nor for a payload it cannot read', async () => {
    const bus = new FakeBus();
    const handler = createSmsStatusFanoutHandler({ bus }, logger);
    expect(await handler(awslogsEvent([], 'CONTROL_MESSAGE'), context)).toEqual({ forwarded: 0, skipped: 0 });
    expect(await handler({ awslogs: { data: 'not gzip' } }, context)).toEqual({ forwarded: 0, skipped: 1 });
    expect(bus.calls).toEqual([]);
  });

  it('fails retryably, with a code, when the bus still refuses an entry', async () => {
    const bus = new FakeBus((_entry, index) => (index === 1 ? 'InternalFailure' : undefined));
    const handler = createSmsStatusFanoutHandler({ bus }, logger);
    const failure = await handler(awslogsEvent([smsFixture('sms-success'), smsFixture('sms-opted-out')]), context).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SwitchboardError);
    expect(isRetryable(failure)).toBe(true);
    expect((failure as SwitchboardError).code).toBe(SMS_STATUS_EVENTS_REFUSED);
    expect((failure as Error).message).toContain('1 of 2');
    expect((failure as Error).message).toContain('InternalFailure');
  });
});
