import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeRestApi, type RestApiHandler } from '../../functions/tooling/api-gateway.js';
import { lambdaContext } from '../../functions/local/lambda-context.js';
import { TEMPLATE_BUNDLE } from '../infra/synth.js';
import { handlerTables, type LocalTables } from '../support/local-aws.js';

let local: LocalTables;
let handler: RestApiHandler;
beforeAll(async () => {
  local = await handlerTables('service-api', { TEMPLATE_BUNDLE_PATH: TEMPLATE_BUNDLE });
  ({ handler } = (await import('../../functions/profile-api/handler.js')) as unknown as { handler: RestApiHandler });
});
afterAll(() => local.client.destroy());

const context = lambdaContext('switchboard-profile-api', 28, 'us-east-1');

describe('the service API as local mode calls it', () => {
  it('runs the deployed profile handler on a REST (payload 1.0) event signed by the local caller', async () => {
    const put = await invokeRestApi(handler, { method: 'PUT', path: '/customers/c-local-1', body: { locale: 'en-GB', inApp: { enabled: true } } }, context);
    expect(put).toEqual({ statusCode: 201, body: { customerId: 'c-local-1', locale: 'en-GB', inApp: { enabled: true } } });
    const consent = await invokeRestApi(
      handler,
      {
        method: 'POST',
        path: '/customers/c-local-1/consent',
        body: { source: 'outbox', changes: [{ channel: 'in_app', topic: 'promotions', value: 'opt_in', updatedAt: '2020-01-01T00:00:00Z' }] },
      },
      context,
    );
    expect(consent.statusCode).toBe(200);
    const read = await invokeRestApi(handler, { method: 'GET', path: '/customers/c-local-1' }, context);
    expect(read.body).toMatchObject({ consent: { in_app: { promotions: { value: 'opt_in', source: 'api:outbox' } } } });
  });
});
