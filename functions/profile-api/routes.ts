import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { codeOf, isRetryable, PermanentError } from '../core/errors.js';
import type { Problem } from '../core/model.js';
import type { Clock, ConsentWriter } from '../core/ports.js';
import { parseConsentInput } from '../core/profile/consent-input.js';
import { parseContextInput } from '../core/profile/context-input.js';
import { type CustomerEraser, ProfileConflict, type ProfileStore } from '../core/profile/ports.js';
import { parseProfileInput } from '../core/profile/profile-input.js';
import { profileWrite, unreadableWrite } from '../core/profile/profile-write.js';
import { isCustomerId } from '../core/request.js';
import type { TopicRegistry } from '../core/topics.js';
import { decodePathSegment, isResult, json, problem, readJsonBody, withoutStage } from '../http/responses.js';

type Result = APIGatewayProxyStructuredResultV2;

/** A profile is bounded well below this (16 KiB of attributes, ten push tokens), and so are 50 consent changes. */
export const MAX_PROFILE_BODY_BYTES = 64 * 1024;

const ROUTE = /^\/customers\/([^/]+)(?:\/(context|consent))?\/?$/;
const METHODS: Record<string, string[]> = { '': ['GET', 'PUT', 'DELETE'], context: ['PATCH'], consent: ['POST'] };

export interface ProfileApiDeps {
  profiles: ProfileStore;
  consent: ConsentWriter;
  /** Absent where erasure is not offered (the CLI); DELETE then answers 405. */
  eraser?: CustomerEraser;
  registry: TopicRegistry;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn'>;
}

interface Call {
  customerId: string;
  event: APIGatewayProxyEvent;
  deps: ProfileApiDeps;
  /** Who called, for the audit log: the SigV4 identity API Gateway checked. */
  caller: string | undefined;
}

/**
 * The profile and consent API for upstream systems, behind IAM auth on the service API (Lambda
 * proxy, payload 1.0): `GET|PUT|DELETE /customers/{customerId}`, `PATCH .../context`,
 * `POST .../consent`. Every problem is answered 4xx with its path; only a fault of ours is 5xx.
 */
export async function routeProfile(event: APIGatewayProxyEvent, deps: ProfileApiDeps): Promise<Result> {
  const match = ROUTE.exec(withoutStage(event.path, event.requestContext.stage));
  if (!match) return problem(404, 'NOT_FOUND', 'no such route');
  const resource = match[2] ?? '';
  const method = event.httpMethod.toUpperCase();
  const allowed = METHODS[resource] as string[];
  if (!allowed.includes(method) || (method === 'DELETE' && !deps.eraser)) {
    const methods = allowed.filter((m) => m !== 'DELETE' || deps.eraser);
    const refused = problem(405, 'METHOD_NOT_ALLOWED', `use ${methods.join(' or ')}`);
    return { ...refused, headers: { ...refused.headers, allow: methods.join(', ') } };
  }
  const customerId = decodePathSegment(match[1] as string, 'customerId');
  if (typeof customerId !== 'string') return customerId;
  if (!isCustomerId(customerId)) {
    const message = 'customerId must be 1 to 256 characters of well-formed text';
    return problem(400, 'INVALID_CUSTOMER_ID', message, [{ path: 'path.customerId', message }]);
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event invoked directly, not through API Gateway, may carry no identity.
  const call: Call = { customerId, event, deps, caller: event.requestContext.identity?.userArn ?? undefined };
  try {
    if (resource === 'context') return await patchContext(call);
    if (resource === 'consent') return await postConsent(call);
    if (method === 'GET') return await getCustomer(call);
    if (method === 'PUT') return await putProfile(call);
    return await eraseCustomer(call);
  } catch (error) {
    if (error instanceof ProfileConflict) return problem(409, error.code, error.message, error.problems);
    if (error instanceof PermanentError && error.code === 'UNKNOWN_CUSTOMER') return unknownCustomer();
    if (error instanceof PermanentError && error.code === 'MALFORMED_CUSTOMER') {
      return problem(409, 'MALFORMED_CUSTOMER', 'the stored customer record breaks the record contract', [{ path: 'record', message: error.message }]);
    }
    if (!isRetryable(error)) throw error;
    deps.log.warn('profile request failed, retryable', { code: codeOf(error) });
    return problem(503, 'UNAVAILABLE', 'try again shortly');
  }
}

async function getCustomer({ customerId, deps }: Call): Promise<Result> {
  const record = await deps.profiles.get(customerId);
  return record ? json(200, record) : unknownCustomer();
}

async function putProfile({ customerId, event, deps, caller }: Call): Promise<Result> {
  const body = readJsonBody(event, MAX_PROFILE_BODY_BYTES);
  if (isResult(body)) return body;
  const parsed = parseProfileInput(body.value, customerId);
  if (!parsed.ok) return invalid(parsed.problems);
  const at = deps.clock.now().toISOString();
  const { created, record } = await deps.profiles.replace(customerId, (current) => {
    const write = profileWrite(current, parsed.profile, at);
    const problems = unreadableWrite(customerId, write);
    if (problems.length > 0) throw new ProfileConflict(problems);
    return write;
  });
  deps.log.info('profile written', { caller, customerId, created });
  return json(created ? 201 : 200, record);
}

async function patchContext({ customerId, event, deps, caller }: Call): Promise<Result> {
  const body = readJsonBody(event, MAX_PROFILE_BODY_BYTES);
  if (isResult(body)) return body;
  const parsed = parseContextInput(body.value, deps.clock.now());
  if (!parsed.ok) return invalid(parsed.problems);
  const outcome = await deps.profiles.applyContext(customerId, parsed.patch);
  deps.log.info('context written', { caller, customerId, outcome });
  return json(200, { customerId, applied: outcome === 'applied', ...(outcome === 'stale' ? { reason: 'the record holds a newer observation' } : {}) });
}

async function postConsent({ customerId, event, deps, caller }: Call): Promise<Result> {
  const body = readJsonBody(event, MAX_PROFILE_BODY_BYTES);
  if (isResult(body)) return body;
  const parsed = parseConsentInput(body.value, deps.registry, deps.clock.now());
  if (!parsed.ok) return invalid(parsed.problems);
  const result = await deps.consent.apply(customerId, parsed.changes);
  // Who changed whose consent, and how much of it stood: consent changes are audited.
  deps.log.info('consent written', { caller, customerId, applied: result.applied.length, stale: result.stale.length });
  return json(200, { customerId, applied: result.applied, stale: result.stale });
}

async function eraseCustomer({ customerId, deps, caller }: Call): Promise<Result> {
  const erased = await (deps.eraser as CustomerEraser).erase(customerId, deps.clock.now());
  deps.log.info('customer erased', { caller, customerId, ...erased });
  return json(200, { customerId, erased });
}

function invalid(problems: Problem[]): Result {
  return problem(400, 'INVALID_BODY', 'the body breaks the contract', problems);
}

function unknownCustomer(): Result {
  const message = 'no customer with this id';
  return problem(404, 'UNKNOWN_CUSTOMER', message, [{ path: 'path.customerId', message }]);
}
