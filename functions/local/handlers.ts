import type { HttpApiHandler, RestApiHandler } from './api-gateway.js';
import type { LambdaHandler } from './feedback/bridge.js';
import type { SqsHandler } from './sqs-poller.js';

export interface LocalHandlers {
  orchestrator: SqsHandler;
  /** Optional: without it messages are still sent, but no provider event reaches the records. */
  feedback?: LambdaHandler;
  /** The app's inbox API; without it the page reads the inbox table and offers no read/click. */
  inbox?: HttpApiHandler;
  /** One-click unsubscribe, where marketing emails' List-Unsubscribe links point. */
  unsubscribe?: HttpApiHandler;
  /** The preference centre page and the app's `/preferences`, where `{{ preferences_url }}` links point. */
  preferences?: HttpApiHandler;
  /** The service API's profile, context, consent and erasure routes (IAM-signed in AWS). */
  profile?: RestApiHandler;
}

/**
 * Imports the deployed Lambdas' own handler modules. They read their configuration at import,
 * so the environment must already point at the emulators. Only the orchestrator is required.
 */
export async function loadHandlers(onMissing: (name: string, error: unknown) => void): Promise<LocalHandlers> {
  const orchestrator = (await import('../orchestrator/handler.js')).handler as unknown as SqsHandler;
  const optional = async <T>(name: string, load: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await load();
    } catch (error) {
      onMissing(name, error);
      return undefined;
    }
  };
  const feedback = await optional('feedback', async () => (await import('../feedback/handler.js')).handler as unknown as LambdaHandler);
  const inbox = await optional('inbox API', async () => (await import('../inbox-api/handler.js')).handler as unknown as HttpApiHandler);
  const unsubscribe = await optional('unsubscribe', async () => (await import('../unsubscribe/handler.js')).handler as unknown as HttpApiHandler);
  const preferences = await optional('preferences', async () => (await import('../preferences/handler.js')).handler as unknown as HttpApiHandler);
  const profile = await optional('profile API', async () => (await import('../profile-api/handler.js')).handler as unknown as RestApiHandler);
  return { orchestrator, ...(feedback ? { feedback } : {}), ...(inbox ? { inbox } : {}), ...(unsubscribe ? { unsubscribe } : {}), ...(preferences ? { preferences } : {}), ...(profile ? { profile } : {}) };
}
