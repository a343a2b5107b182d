import type { HttpApiHandler, RestApiHandler } from '../tooling/api-gateway.js';
import type { LambdaHandler } from './feedback/bridge.js';
import type { PriorsRefreshHandler } from './priors-refresh.js';
import type { SqsHandler } from './sqs-poller.js';
import type { LocalWakeScheduler } from './wake-scheduler.js';

export interface LocalHandlers {
  orchestrator: SqsHandler;
  /** Provider events (SES, SMS status logs) into the delivery records. */
  feedback: LambdaHandler;
  /** The app's inbox API. */
  inbox: HttpApiHandler;
  /** One-click unsubscribe, where marketing emails' List-Unsubscribe links point. */
  unsubscribe: HttpApiHandler;
  /** The preference centre page and the app's `/preferences`, where `{{ preferences_url }}` links point. */
  preferences: HttpApiHandler;
  /** The service API's profile, context, consent and erasure routes (IAM-signed in AWS). */
  profile: RestApiHandler;
  /** Learns the priors from the delivery records (an hourly schedule in AWS). */
  priorsRefresh: PriorsRefreshHandler;
}

/**
 * Imports the deployed Lambdas' own handler modules. They read their configuration at import,
 * so the environment must already point at the emulators. The orchestrator is composed the same
 * way, with `wakes` arranging its deferrals and escalation steps.
 */
export async function loadHandlers(wakes: LocalWakeScheduler): Promise<LocalHandlers> {
  return {
    orchestrator: (await import('./orchestrator.js')).loadLocalOrchestrator(wakes),
    feedback: (await import('../feedback/handler.js')).handler as unknown as LambdaHandler,
    inbox: (await import('../inbox-api/handler.js')).handler as unknown as HttpApiHandler,
    unsubscribe: (await import('../unsubscribe/handler.js')).handler as unknown as HttpApiHandler,
    preferences: (await import('../preferences/handler.js')).handler as unknown as HttpApiHandler,
    profile: (await import('../profile-api/handler.js')).handler as unknown as RestApiHandler,
    priorsRefresh: (await import('../priors-refresh/handler.js')).handler as unknown as PriorsRefreshHandler,
  };
}
