import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/definitions/tables.js';
import { PREFERENCE_CENTRE_PATH, PREFERENCES_API_PATH } from '../../functions/definitions/paths.js';

export interface CustomerApiProps {
  apiName: string;
  jwtIssuer: string;
  jwtAudience: string[];
  /** Stage-wide: every route shares the one steady rate and burst. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Web origins whose pages may call the API; none sends no CORS headers. */
  allowedOrigins: string[];
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/** Only variables HTTP APIs define; an unknown one fails the deployment. */
const ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latency: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/** The HTTP API customers' apps call with their JWT, plus the public one-click unsubscribe and preference centre pages. */
export class CustomerApi extends Construct {
  readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: CustomerApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Switchboard in-app inbox and preferences (JWT), one-click unsubscribe and the preference centre page',
      createDefaultStage: false,
      defaultAuthorizer: new HttpJwtAuthorizer('Jwt', props.jwtIssuer, { jwtAudience: props.jwtAudience }),
      // API Gateway answers the preflight itself, before any authorizer or route.
      ...(props.allowedOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: props.allowedOrigins,
              allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.PUT, apigwv2.CorsHttpMethod.POST],
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
  }

  /** Gives `fn` the URL to put in `List-Unsubscribe` headers. */
  bindUnsubscribeUrl(fn: lambda.Function): void {
    fn.addEnvironment(ENV.unsubscribeBaseUrl, `${this.api.apiEndpoint}/unsubscribe`);
  }

  /** Gives `fn` the preference centre's address, for the `{{ preferences_url }}` links it signs. */
  bindPreferencesUrl(fn: lambda.Function): void {
    fn.addEnvironment(ENV.preferencesBaseUrl, `${this.api.apiEndpoint}${PREFERENCE_CENTRE_PATH}`);
  }

  /**
   * The app's `GET`/`PUT /preferences` behind the JWT, and the page the signed link in every
   * message opens: public, since a customer following a link from an email has no app session.
   */
  addPreferences(fn: lambda.IFunction): void {
    const integration = new HttpLambdaIntegration('Preferences', fn);
    this.api.addRoutes({ path: PREFERENCES_API_PATH, methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.PUT], integration });
    const page = this.api.addRoutes({
      path: PREFERENCE_CENTRE_PATH,
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST],
      integration,
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    });
    for (const route of page) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'The preference centre page is opened from a link in a message, without an app session; the signed, expiring token in the link is the authority.',
      });
    }
  }

  addInbox(fn: lambda.IFunction): void {
    const integration = new HttpLambdaIntegration('Inbox', fn);
    this.api.addRoutes({ path: '/inbox', methods: [apigwv2.HttpMethod.GET], integration });
    this.api.addRoutes({ path: '/inbox/{messageId}/{action}', methods: [apigwv2.HttpMethod.POST], integration });
    this.api.addRoutes({ path: '/events', methods: [apigwv2.HttpMethod.POST], integration });
  }

  /** GET shows a confirmation page to a person who clicked the link; POST is the RFC 8058 one-click. */
  addUnsubscribe(fn: lambda.IFunction): void {
    const routes = this.api.addRoutes({
      path: '/unsubscribe',
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Unsubscribe', fn),
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'RFC 8058 one-click unsubscribe: mail providers and recipients call it without credentials; the signed token in the URL is the authority.',
      });
    }
  }
}
