import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize, type Synthesized } from './synth.js';

let full: Synthesized;
beforeAll(() => {
  full = synthesize({ jwtAudience: 'ios-app,android-app' });
});
afterAll(() => {
  full.cleanup();
});

describe('service REST API', () => {
  it('requires SigV4 on every method', () => {
    const methods = Object.values(full.template.findResources('AWS::ApiGateway::Method'));
    expect(methods.map((method) => `${method.Properties.HttpMethod} ${method.Properties.AuthorizationType}`).sort()).toEqual([
      'DELETE AWS_IAM',
      'GET AWS_IAM',
      'GET AWS_IAM',
      'GET AWS_IAM',
      'PATCH AWS_IAM',
      'POST AWS_IAM',
      'POST AWS_IAM',
      'PUT AWS_IAM',
    ]);
  });

  it('serves POST /requests from the ingest function, with no request model left behind', () => {
    const [requests] = Object.entries(full.template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: 'requests' } })).map(([id]) => id);
    full.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      ResourceId: { Ref: requests },
      AuthorizationType: 'AWS_IAM',
      Integration: {
        Type: 'AWS_PROXY',
        Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestHandlerFunction'), 'Arn'] }])] },
      },
    });
    // The function checks bodies itself, so every problem comes back with its path; no model, no role for API Gateway:
    // the account-wide logging role is the account stack's.
    expect(full.template.findResources('AWS::ApiGateway::Model')).toEqual({});
    const gatewayRoles = Object.values(full.template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com'),
    );
    expect(gatewayRoles).toEqual([]);
    expect(full.template.findResources('AWS::ApiGateway::Account')).toEqual({});
  });

  it('serves GET /requests/{requestId} from the history function, the path parameter required', () => {
    full.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{requestId}' });
    full.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'AWS_IAM',
      RequestParameters: { 'method.request.path.requestId': true },
      RequestValidatorId: { Ref: Match.stringLikeRegexp('^ServiceApiValidator') },
      Integration: {
        Type: 'AWS_PROXY',
        Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^HistoryApiFunction'), 'Arn'] }])] },
      },
    });
    full.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true });
  });

  it('serves GET /customers/{customerId}/deliveries from the history function', () => {
    full.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{customerId}' });
    full.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      RequestParameters: { 'method.request.path.customerId': true },
      Integration: {
        Type: 'AWS_PROXY',
        Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^HistoryApiFunction'), 'Arn'] }])] },
      },
    });
  });

  it('serves the profile, context, consent and erasure routes from the profile function, all behind IAM', () => {
    const resources = full.template.findResources('AWS::ApiGateway::Resource');
    const idOf = (part: string) =>
      Object.entries(resources)
        .filter(([, r]) => r.Properties.PathPart === part)
        .map(([id]) => id);
    const [customer] = idOf('{customerId}');
    expect(idOf('{customerId}')).toHaveLength(1);
    const onProfile = { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ProfileApiHandlerFunction'), 'Arn'] }])] };
    const routes: [string, unknown][] = [
      ['GET', { Ref: customer }],
      ['PUT', { Ref: customer }],
      ['DELETE', { Ref: customer }],
      ['PATCH', { Ref: idOf('context')[0] }],
      ['POST', { Ref: idOf('consent')[0] }],
    ];
    for (const [method, resource] of routes) {
      full.template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: method,
        ResourceId: resource,
        AuthorizationType: 'AWS_IAM',
        RequestParameters: { 'method.request.path.customerId': true },
        Integration: { Type: 'AWS_PROXY', Uri: onProfile },
      });
    }
  });

  it('traces and logs every request on the stage', () => {
    full.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context.requestId') },
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', ResourcePath: '/*', HttpMethod: '*' })],
    });
  });
});

describe('customer HTTP API', () => {
  it('authorizes with JWTs from the configured issuer and audiences', () => {
    full.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['ios-app', 'android-app'] },
    });
  });

  it('routes the inbox and preferences behind the JWT and leaves only the signed-link pages open', () => {
    const routes = Object.values(full.template.findResources('AWS::ApiGatewayV2::Route'));
    expect(Object.fromEntries(routes.map((route) => [route.Properties.RouteKey, route.Properties.AuthorizationType]))).toEqual({
      'GET /inbox': 'JWT',
      'POST /inbox/{messageId}/{action}': 'JWT',
      'POST /events': 'JWT',
      'GET /unsubscribe': 'NONE',
      'POST /unsubscribe': 'NONE',
      'GET /preferences': 'JWT',
      'PUT /preferences': 'JWT',
      'GET /preference-centre': 'NONE',
      'POST /preference-centre': 'NONE',
    });
  });

  it('writes access logs from its auto-deployed default stage', () => {
    full.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CustomerApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context.requestId'),
      },
    });
  });
});

describe('API throttling and browser access', () => {
  let tuned: Synthesized;
  beforeAll(() => {
    tuned = synthesize({
      serviceApiRateLimit: '40',
      serviceApiBurstLimit: '80',
      customerApiRateLimit: '25',
      customerApiBurstLimit: '50',
      customerApiAllowedOrigins: 'https://shop.test, http://localhost:5173',
    });
  });
  afterAll(() => tuned.cleanup());

  const serviceStageThrottle = (template: Synthesized['template']) =>
    Object.values(template.findResources('AWS::ApiGateway::Stage')).map((stage) =>
      (stage.Properties.MethodSettings as Record<string, unknown>[]).map(({ ResourcePath, HttpMethod, ThrottlingRateLimit, ThrottlingBurstLimit }) => ({
        ResourcePath,
        HttpMethod,
        ThrottlingRateLimit,
        ThrottlingBurstLimit,
      })),
    );
  const customerStageThrottle = (template: Synthesized['template']) =>
    Object.values(template.findResources('AWS::ApiGatewayV2::Stage')).map((stage) => stage.Properties.DefaultRouteSettings as unknown);

  it('throttles every method of the service API stage, by default and as configured', () => {
    expect(serviceStageThrottle(full.template)).toEqual([[{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 }]]);
    expect(serviceStageThrottle(tuned.template)).toEqual([[{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 40, ThrottlingBurstLimit: 80 }]]);
  });

  it('throttles every route of the customer API stage, by default and as configured', () => {
    expect(customerStageThrottle(full.template)).toEqual([{ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }]);
    expect(customerStageThrottle(tuned.template)).toEqual([{ ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 }]);
  });

  it('sends no CORS headers unless web origins are configured', () => {
    for (const api of Object.values(full.template.findResources('AWS::ApiGatewayV2::Api'))) expect(api.Properties.CorsConfiguration).toBeUndefined();
    for (const template of [full.template, tuned.template]) {
      expect(Object.values(template.findResources('AWS::ApiGateway::Method')).map((method) => method.Properties.HttpMethod)).not.toContain('OPTIONS');
    }
  });

  it('lets pages of the configured origins call the customer API, API Gateway answering their preflight itself', () => {
    tuned.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://shop.test', 'http://localhost:5173'],
        AllowMethods: ['GET', 'PUT', 'POST'],
        AllowHeaders: ['authorization', 'content-type'],
        MaxAge: 3600,
      },
    });
    // With no OPTIONS route of its own, a preflight never reaches the JWT authorizer or a function.
    const routeKeys = Object.values(tuned.template.findResources('AWS::ApiGatewayV2::Route')).map((route) => String(route.Properties.RouteKey));
    expect(routeKeys.filter((key) => key.startsWith('OPTIONS ') || key.startsWith('ANY ') || key === '$default')).toEqual([]);
    const methods = new Set(routeKeys.map((key) => key.split(' ')[0]));
    expect([...methods].every((method) => ['GET', 'PUT', 'POST'].includes(method as string))).toBe(true);
  });
});
