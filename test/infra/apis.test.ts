import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRequestJsonSchema } from '../../lib/request-model-schema.js';
import { grantsOf } from './iam.js';
import { synthesize, type Synthesized } from './synth.js';

let full: Synthesized;
beforeAll(() => {
  full = synthesize({ jwtAudience: 'ios-app,android-app' });
});
afterAll(() => {
  full.cleanup();
});

const logicalId = (type: string, prefix: string) => Object.keys(full.template.findResources(type)).find((id) => id.startsWith(prefix));

describe('service REST API', () => {
  it('requires SigV4 on every method', () => {
    const methods = Object.values(full.template.findResources('AWS::ApiGateway::Method'));
    expect(methods.map((method) => `${method.Properties.HttpMethod} ${method.Properties.AuthorizationType}`).sort()).toEqual([
      'DELETE AWS_IAM',
      'GET AWS_IAM',
      'GET AWS_IAM',
      'PATCH AWS_IAM',
      'POST AWS_IAM',
      'POST AWS_IAM',
      'PUT AWS_IAM',
    ]);
  });

  it('puts POST /requests straight on the queue through a role that may only send there', () => {
    full.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: {
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        PassthroughBehavior: 'NEVER',
        Credentials: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceApiIngestRole'), 'Arn'] },
        RequestTemplates: { 'application/json': 'Action=SendMessage&MessageBody=$util.urlEncode($input.body)' },
        Uri: {
          'Fn::Join': ['', Match.arrayWith([':sqs:path/', { 'Fn::GetAtt': [Match.stringLikeRegexp('^RequestsQueue'), 'QueueName'] }])],
        },
      },
      MethodResponses: [{ StatusCode: '202' }, { StatusCode: '500' }],
    });
    const queueId = logicalId('AWS::SQS::Queue', 'RequestsQueue') as string;
    expect(grantsOf(full.template, 'ServiceApiIngestRole')).toEqual({ [queueId]: ['sqs:SendMessage'] });
  });

  it('validates the body against the model generated from the send-request schema, unknown fields rejected', () => {
    const modelId = logicalId('AWS::ApiGateway::Model', 'ServiceApiSendRequest') as string;
    const model = full.template.findResources('AWS::ApiGateway::Model')[modelId]?.Properties;
    expect(model?.ContentType).toBe('application/json');
    expect(model?.Schema).toEqual(sendRequestJsonSchema());
    expect(model?.Schema.additionalProperties).toBe(false);
    full.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestModels: { 'application/json': { Ref: modelId } },
      RequestValidatorId: { Ref: Match.anyValue() },
    });
    full.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
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
