import type { Context } from 'aws-lambda';
import type { PriorsRefreshSummary } from '../priors-refresh/create-handler.js';

export type PriorsRefreshHandler = (event: unknown, context: Context) => Promise<PriorsRefreshSummary>;

export interface LocalPriorsRefreshOptions {
  handler: PriorsRefreshHandler;
  context: () => Context;
  /** Deployed, the schedule runs once an hour; locally often enough to see a run's own messages learned from. */
  everyMs: number;
  onError: (error: unknown) => void;
}

export interface LocalPriorsRefresh {
  /** Runs the refresher now, or waits for the run already going. */
  refresh(): Promise<PriorsRefreshSummary>;
  stop(): Promise<void>;
}

/** What EventBridge hands the deployed function on each scheduled run. */
const SCHEDULED_EVENT = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/** The deployed refresher's handler on a timer, in place of the hourly schedule. */
export function startPriorsRefresh(options: LocalPriorsRefreshOptions): LocalPriorsRefresh {
  let running: Promise<PriorsRefreshSummary> | undefined;
  const refresh = () => (running ??= options.handler(SCHEDULED_EVENT, options.context()).finally(() => (running = undefined)));
  const timer = setInterval(() => void refresh().catch(options.onError), options.everyMs);
  timer.unref();
  return {
    refresh,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
