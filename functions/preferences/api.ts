import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { codeOf, isRetryable } from '../core/errors.js';
import { CHANNELS, type Channel } from '../core/model.js';
import type { PreferenceEdit } from '../core/preferences/edit.js';
import { type PreferenceDeps, readPreferences, updatePreferences } from '../core/preferences/manage.js';
import { problemsOf } from '../core/problem-bounds.js';
import { isCustomerId } from '../core/request.js';
import { isResult, json, problem, readJsonBody } from '../http/responses.js';
import { APP_SOURCE } from './consent-sources.js';

type Result = APIGatewayProxyStructuredResultV2;

/** A choice is a few dozen bytes; every topic on every channel fits well within this. */
export const MAX_PREFERENCES_BODY_BYTES = 16 * 1024;

/**
 * `PUT /preferences`: the choices the customer changed, `{ "topics": { "<topic>": { "<channel>":
 * true | false } } }`, and channels to take every marketing topic off, `"noMarketingOn": [...]`.
 * Send only what changed: a choice the record already holds writes nothing.
 */
const editSchema = z
  .strictObject({
    topics: z.record(z.string().max(64), z.partialRecord(z.enum(CHANNELS), z.boolean())).optional(),
    noMarketingOn: z.array(z.enum(CHANNELS)).max(CHANNELS.length).optional(),
  })
  .refine((body) => body.topics !== undefined || body.noMarketingOn !== undefined, { message: 'expected "topics", "noMarketingOn" or both' });

/**
 * The app's view of the preference centre, behind the JWT authorizer: the customer is the token's
 * `sub` and nothing else. Both answer with the choices as the record holds them.
 */
export async function routePreferencesApi(event: APIGatewayProxyEventV2WithJWTAuthorizer, deps: PreferenceDeps, log: Pick<Logger, 'info' | 'warn'>): Promise<Result> {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a route without an authorizer gets no authorizer context, whatever the event type says.
  const sub = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (!isCustomerId(sub)) return problem(401, 'UNAUTHENTICATED', 'the token names no customer');
  const method = event.requestContext.http.method.toUpperCase();
  try {
    if (method === 'GET') return lookupAnswer(await readPreferences(sub, deps));
    if (method === 'PUT') return await put(sub, event, deps, log);
    const refused = problem(405, 'METHOD_NOT_ALLOWED', 'use GET or PUT');
    return { ...refused, headers: { ...refused.headers, allow: 'GET, PUT' } };
  } catch (error) {
    if (!isRetryable(error)) throw error;
    log.warn('preferences request failed, retryable', { code: codeOf(error) });
    return problem(503, 'UNAVAILABLE', 'try again shortly');
  }
}

async function put(customerId: string, event: APIGatewayProxyEventV2WithJWTAuthorizer, deps: PreferenceDeps, log: Pick<Logger, 'info'>): Promise<Result> {
  const body = readJsonBody(event, MAX_PREFERENCES_BODY_BYTES);
  if (isResult(body)) return body;
  const parsed = editSchema.safeParse(body.value);
  if (!parsed.success) return invalid(problemsOf(parsed.error).map((p) => ({ path: p.path ? `body.${p.path}` : 'body', message: p.message })));
  const outcome = await updatePreferences(customerId, editOf(parsed.data), APP_SOURCE, deps);
  if (outcome.kind === 'invalid') return invalid(outcome.problems.map((p) => ({ path: `body.${p.path}`, message: p.message })));
  if (outcome.kind === 'saved') {
    log.info('preferences saved', { source: APP_SOURCE, changes: outcome.applied.length });
    return json(200, outcome.view);
  }
  return lookupAnswer(outcome);
}

function editOf(body: z.output<typeof editSchema>): PreferenceEdit {
  const choices = Object.entries(body.topics ?? {}).flatMap(([topic, channels]) =>
    Object.entries(channels).map(([channel, subscribed]) => ({ topic, channel: channel as Channel, subscribed })),
  );
  return { choices, noMarketingOn: body.noMarketingOn ?? [] };
}

function lookupAnswer(lookup: Awaited<ReturnType<typeof readPreferences>>): Result {
  if (lookup.kind === 'found') return json(200, lookup.view);
  if (lookup.kind === 'unknown') return problem(404, 'NOT_FOUND', 'no customer record for this account');
  return problem(409, 'CUSTOMER_RECORD_INVALID', 'the customer record cannot be read', lookup.problems);
}

function invalid(problems: { path: string; message: string }[]): Result {
  return problem(400, 'INVALID_PREFERENCES', 'the preferences do not match the topic registry or the request format', problems);
}
