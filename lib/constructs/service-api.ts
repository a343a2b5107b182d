import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ServiceApiProps {
  apiName: string;
  stageName: string;
  /** Stage-wide: every method shares the one steady rate and burst. */
  throttle: { rateLimit: number; burstLimit: number };
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The REST API for systems and staff inside the company, signed with SigV4 (AWS_IAM):
 * `POST /requests` checks send requests and queues the valid ones, `GET /requests/{requestId}`
 * tells the sender what became of one, `GET /customers/{customerId}/deliveries` serves customer
 * service, and `/customers/{customerId}` (with `/context` and `/consent`) lets upstream systems
 * write profiles, the current moment and consent, and erase a customer.
 */
export class ServiceApi extends Construct {
  readonly api: apigateway.RestApi;
  private readonly validator: apigateway.RequestValidator;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: props.apiName,
      description: 'Switchboard send requests, delivery history, customer profiles and consent (IAM auth)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Execution logs need API Gateway's account-wide logging role: the account stack's, or one managed elsewhere.
      cloudWatchRole: false,
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
      },
    });
    this.validator = this.api.addRequestValidator('Validator', { validateRequestBody: true, validateRequestParameters: true });
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-COG4',
        reason: 'Callers are upstream services and staff tools with IAM identities; every method requires SigV4 (AWS_IAM).',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'IAM-only API with stage logging and stage throttling (serviceApiRateLimit, serviceApiBurstLimit); a WAF web ACL is an account-level choice attached outside this stack.',
      },
    );
  }

  /**
   * `POST /requests` → the ingest function, which checks every request with the orchestrator's
   * own parser and admission rules and answers with each problem and its path, something a
   * request model and gateway responses cannot do.
   */
  addIngest(fn: lambda.IFunction): void {
    this.api.root.resourceForPath('requests').addMethod('POST', new apigateway.LambdaIntegration(fn));
  }

  /** `GET /requests/{requestId}` → the history function: one delivery record, shaped as the history lists it. */
  addRequestStatus(fn: lambda.IFunction): void {
    this.api.root
      .resourceForPath('requests/{requestId}')
      .addMethod('GET', new apigateway.LambdaIntegration(fn), { requestValidator: this.validator, requestParameters: { 'method.request.path.requestId': true } });
  }

  /** `GET /customers/{customerId}/deliveries` → the history function. */
  addHistory(fn: lambda.IFunction): void {
    this.customer().addResource('deliveries').addMethod('GET', new apigateway.LambdaIntegration(fn), this.customerMethod());
  }

  /**
   * `GET|PUT|DELETE /customers/{customerId}`, `PATCH /customers/{customerId}/context` and
   * `POST /customers/{customerId}/consent` → the profile function, which validates the bodies
   * itself so that every problem comes back listed with its path.
   */
  addProfile(fn: lambda.IFunction): void {
    const integration = new apigateway.LambdaIntegration(fn);
    const customer = this.customer();
    for (const method of ['GET', 'PUT', 'DELETE']) customer.addMethod(method, integration, this.customerMethod());
    customer.addResource('context').addMethod('PATCH', integration, this.customerMethod());
    customer.addResource('consent').addMethod('POST', integration, this.customerMethod());
  }

  private customer(): apigateway.Resource {
    return this.api.root.resourceForPath('customers/{customerId}');
  }

  private customerMethod(): apigateway.MethodOptions {
    return { requestValidator: this.validator, requestParameters: { 'method.request.path.customerId': true } };
  }
}
