import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { codeOf, isRetryable } from '../core/errors.js';
import { MAX_TOKEN_CHARS } from '../core/links.js';
import type { Channel } from '../core/model.js';
import type { PreferenceEdit } from '../core/preferences/edit.js';
import { type PreferenceDeps, readPreferences, updatePreferences } from '../core/preferences/manage.js';
import type { LinkSigner } from '../core/ports.js';
import { isCustomerId } from '../core/request.js';
import { findTopic } from '../core/topics.js';
import { PREFERENCE_CENTRE_PATH } from '../definitions/paths.js';
import { PAGE_SOURCE } from './consent-sources.js';
import { type PageForm, readPageForm } from './form.js';
import { messagePage, type PageInput, preferencesPage } from './page.js';

type Result = APIGatewayProxyStructuredResultV2;

export interface PreferenceCentreDeps extends PreferenceDeps {
  links: LinkSigner;
  /** Shown to the customer: whose messages these are. */
  brand: string;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** The form posts to the page's own address, relative, so it works under any base path. */
const FORM_ACTION = PREFERENCE_CENTRE_PATH.slice(1);

/**
 * The page a customer opens from the link in a message. GET shows their choices; POST (the
 * form) saves them and redirects back to a fresh GET, so reloading never posts twice. There is
 * no session or cookie: the signed token is the credential and travels in the form, which is
 * what makes a forged cross-site post useless without it.
 */
export async function routePreferenceCentre(event: APIGatewayProxyEventV2, deps: PreferenceCentreDeps): Promise<Result> {
  const method = event.requestContext.http.method.toUpperCase();
  try {
    if (method === 'GET') return await show(event, deps);
    if (method === 'POST') return await save(event, deps);
    const refused = messagePage(405, deps.brand, 'Not available', 'Open the link from one of our messages to manage what we send you.');
    return { ...refused, headers: { ...refused.headers, allow: 'GET, POST' } };
  } catch (error) {
    if (!isRetryable(error)) throw error;
    deps.log.warn('preference centre unavailable, retryable', { code: codeOf(error) });
    return messagePage(503, deps.brand, 'Please try again', 'We could not reach your choices just now. Please try again in a moment.');
  }
}

async function show(event: APIGatewayProxyEventV2, deps: PreferenceCentreDeps): Promise<Result> {
  const token = event.queryStringParameters?.token ?? '';
  const customerId = await verify(token, deps);
  if (typeof customerId !== 'string') return customerId;
  const saved = event.queryStringParameters?.saved === '1';
  return render(customerId, token, deps, saved ? { kind: 'saved' } : undefined, 200);
}

async function save(event: APIGatewayProxyEventV2, deps: PreferenceCentreDeps): Promise<Result> {
  const form = readPageForm(event);
  if (!form) return messagePage(400, deps.brand, 'This form could not be read', 'Open the link from one of our messages again and make your choices there.');
  const customerId = await verify(form.token, deps);
  if (typeof customerId !== 'string') return customerId;
  const outcome = await updatePreferences(customerId, editOf(form, deps), PAGE_SOURCE, deps);
  switch (outcome.kind) {
    case 'saved':
      deps.log.info('preferences saved', { source: PAGE_SOURCE, changes: outcome.applied.length });
      return {
        statusCode: 303,
        headers: { location: `${FORM_ACTION}?${new URLSearchParams({ token: form.token, saved: '1' }).toString()}`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      };
    case 'invalid':
      return render(customerId, form.token, deps, { kind: 'problems', problems: outcome.problems }, 400);
    default:
      return missing(outcome.kind, deps);
  }
}

/**
 * "No marketing by <channel>" saves the boxes too, except that it wins over a marketing box on
 * that channel ticked in the same post: the button says what it does.
 */
function editOf(form: PageForm, deps: PreferenceCentreDeps): PreferenceEdit {
  if (form.action === 'save') return { choices: form.changed, noMarketingOn: [] };
  const channel = form.action.slice('no-marketing:'.length) as Channel;
  const overridden = (c: PageForm['changed'][number]) => c.channel === channel && c.subscribed && findTopic(deps.registry, c.topic)?.category === 'marketing';
  return { choices: form.changed.filter((c) => !overridden(c)), noMarketingOn: [channel] };
}

async function render(customerId: string, token: string, deps: PreferenceCentreDeps, notice: PageInput['notice'], statusCode: number): Promise<Result> {
  const lookup = await readPreferences(customerId, deps);
  if (lookup.kind !== 'found') return missing(lookup.kind, deps);
  return preferencesPage({ brand: deps.brand, view: lookup.view, token, action: FORM_ACTION, ...(notice ? { notice } : {}) }, statusCode);
}

function missing(kind: 'unknown' | 'malformed', deps: PreferenceCentreDeps): Result {
  if (kind === 'malformed') deps.log.warn('preference centre: the customer record breaks the contract');
  return kind === 'unknown'
    ? messagePage(404, deps.brand, 'Nothing to manage', 'We hold no choices for this link any more.')
    : messagePage(409, deps.brand, 'Please try again later', 'We cannot show your choices right now.');
}

/** The customer the link was signed for, or the page that says why it cannot be used. */
async function verify(token: string, deps: PreferenceCentreDeps): Promise<string | Result> {
  const invalid = () => messagePage(400, deps.brand, 'This link is not valid', 'Use the link from one of our recent messages.');
  if (!token || token.length > MAX_TOKEN_CHARS) return invalid();
  const check = await deps.links.verify(token, 'preferences', deps.clock.now());
  if (check.ok && check.claims.purpose === 'preferences' && isCustomerId(check.claims.customerId)) return check.claims.customerId;
  if (check.ok) return invalid();
  if (check.code === 'EXPIRED') return messagePage(410, deps.brand, 'This link has expired', 'Every message we send carries a fresh link: use the one in a recent message.');
  if (check.code === 'NOT_CONFIGURED') {
    deps.log.warn('preference links cannot be checked: no signing key is configured');
    return messagePage(503, deps.brand, 'Not available', 'Managing your choices is not available right now.');
  }
  return invalid();
}
