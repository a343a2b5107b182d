import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problem, withoutStage } from '../http/responses.js';
import { routePreferencesApi } from './api.js';
import { type PreferenceCentreDeps, routePreferenceCentre } from './centre.js';
import { PREFERENCE_CENTRE_PATH, PREFERENCES_API_PATH } from '../definitions/paths.js';

const trailing = (path: string) => new RegExp(`^${path}/?$`);
const CENTRE = trailing(PREFERENCE_CENTRE_PATH);
const API = trailing(PREFERENCES_API_PATH);

/**
 * One function serves the page (public route: the signed link is the credential) and the app's
 * JSON routes (JWT route: the customer is the token's `sub`). Routing is on the raw path, less a
 * named stage, so it does not depend on how the stack declares its routes.
 */
export async function routePreferences(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  deps: PreferenceCentreDeps & { log: Pick<Logger, 'info' | 'warn'> },
): Promise<APIGatewayProxyStructuredResultV2> {
  const path = withoutStage(event.rawPath, event.requestContext.stage);
  if (CENTRE.test(path)) return routePreferenceCentre(event, deps);
  if (API.test(path)) return routePreferencesApi(event, deps, deps.log);
  return problem(404, 'NOT_FOUND', 'no such route');
}
