import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

interface RequestShape {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  pathParameters?: Record<string, string>;
}

function base({ method, path, query, body, pathParameters }: RequestShape) {
  const rawQueryString = query ? new URLSearchParams(query).toString() : '';
  return {
    version: '2.0' as const,
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers: { 'content-type': 'application/json', host: 'api.shop.example.com' },
    ...(query ? { queryStringParameters: query } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234567',
      domainName: 'api.shop.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: `req-${Math.random().toString(16).slice(2)}`,
      routeKey: '$default',
      stage: '$default',
      time: '24/Nov/2026:12:00:00 +0000',
      timeEpoch: Date.parse('2026-11-24T12:00:00Z'),
    },
  };
}

/** An HTTP API (payload 2.0) request that passed a JWT authorizer for `sub`; no `sub` when undefined. */
export function jwtEvent(request: RequestShape & { sub?: string }): APIGatewayProxyEventV2WithJWTAuthorizer {
  const event = base(request);
  return {
    ...event,
    requestContext: {
      ...event.requestContext,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: request.sub === undefined ? {} : { sub: request.sub, iss: 'https://id.shop.example.com' }, scopes: [] },
      },
    },
  };
}

/** A REST API (Lambda proxy, payload 1.0) request signed with SigV4 by a customer-service role. */
export function iamEvent({ method, path, query, body }: RequestShape): APIGatewayProxyEvent {
  const stage = 'prod';
  return {
    resource: '/customers/{customerId}/deliveries',
    path,
    httpMethod: method,
    headers: { 'content-type': 'application/json', host: 'api1234567.execute-api.us-east-1.amazonaws.com' },
    multiValueHeaders: {},
    queryStringParameters: query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234567',
      authorizer: null,
      httpMethod: method,
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: `req-${Math.random().toString(16).slice(2)}`,
      requestTimeEpoch: Date.parse('2026-11-24T12:00:00Z'),
      resourceId: 'res123',
      resourcePath: '/customers/{customerId}/deliveries',
      stage,
      identity: {
        accessKey: 'ASIAEXAMPLE',
        accountId: '123456789012',
        apiKey: null,
        apiKeyId: null,
        caller: 'AROAEXAMPLE:agent',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '192.0.2.1',
        user: 'AROAEXAMPLE:agent',
        userAgent: 'aws-sdk-js',
        userArn: 'arn:aws:sts::123456789012:assumed-role/customer-service/agent',
      },
    },
  };
}
