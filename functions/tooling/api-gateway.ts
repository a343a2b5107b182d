import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export type HttpApiHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string | undefined>;

export interface HttpApiCall {
  method: string;
  path: string;
  query?: Record<string, string>;
  /** A string is sent as it is (a form post); anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The JWT's `sub`: the customer the app is signed in as. */
  sub?: string;
}

export interface HttpApiAnswer {
  statusCode: number;
  body: unknown;
}

export interface HttpApiRawAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Calls an API Gateway HTTP API (payload 2.0) handler the way API Gateway would after its JWT
 * authorizer accepted a token: the claims arrive in `requestContext.authorizer.jwt`.
 */
export async function invokeHttpApi(handler: HttpApiHandler, call: HttpApiCall, context: Context): Promise<HttpApiAnswer> {
  const answer = await invokeHttpApiRaw(handler, call, context);
  return { statusCode: answer.statusCode, body: parse(answer.body) };
}

/** The handler's answer as API Gateway would put it on the wire: status, headers, text body. */
export async function invokeHttpApiRaw(handler: HttpApiHandler, call: HttpApiCall, context: Context): Promise<HttpApiRawAnswer> {
  const result = await handler(httpApiEvent(call), context);
  if (typeof result === 'string' || result === undefined) return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: result ?? '' };
  const body = result.isBase64Encoded && typeof result.body === 'string' ? Buffer.from(result.body, 'base64').toString('utf8') : (result.body ?? '');
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
  return { statusCode: result.statusCode ?? 200, headers, body };
}

export function httpApiEvent(call: HttpApiCall): APIGatewayProxyEventV2WithJWTAuthorizer {
  const now = new Date();
  const query = call.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const method = call.method.toUpperCase();
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: call.path,
    rawQueryString,
    headers: { 'content-type': 'application/json', host: 'localhost', ...lowerCased(call.headers ?? {}) },
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: call.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'switchboard-local' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: {
        principalId: call.sub ?? '',
        integrationLatency: 0,
        jwt: { claims: call.sub ? { sub: call.sub } : {}, scopes: [] },
      },
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

export type RestApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | undefined>;

export interface RestApiCall {
  method: string;
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** The IAM identity that signed the request, as API Gateway reports it; local by default. */
  callerArn?: string;
}

/** The local stand-in for the identity API Gateway checked the SigV4 signature of. */
export const LOCAL_CALLER_ARN = 'arn:aws:iam::000000000000:user/switchboard-local';

/**
 * Calls a service API (REST API, Lambda proxy, payload 1.0) handler the way API Gateway would
 * after its IAM authorization passed: the caller's identity arrives in `requestContext.identity`.
 */
export async function invokeRestApi(handler: RestApiHandler, call: RestApiCall, context: Context): Promise<HttpApiAnswer> {
  const result = await handler(restApiEvent(call), context);
  return { statusCode: result?.statusCode ?? 200, body: parse(typeof result?.body === 'string' ? result.body : undefined) };
}

export function restApiEvent(call: RestApiCall): APIGatewayProxyEvent {
  const now = new Date();
  const method = call.method.toUpperCase();
  const callerArn = call.callerArn ?? LOCAL_CALLER_ARN;
  return {
    resource: call.path,
    path: call.path,
    httpMethod: method,
    headers: { 'content-type': 'application/json', host: 'localhost' },
    multiValueHeaders: {},
    queryStringParameters: call.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: call.body === undefined ? null : JSON.stringify(call.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      httpMethod: method,
      path: call.path,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: call.path,
      stage: '$default',
      identity: {
        accessKey: null,
        accountId: '000000000000',
        apiKey: null,
        apiKeyId: null,
        caller: callerArn,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: callerArn,
        userAgent: 'switchboard-local',
        userArn: callerArn,
      },
    },
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function parse(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
