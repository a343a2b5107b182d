import { Aws, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NAG } from '../nag.js';
import { sendRequestJsonSchema } from '../request-model-schema.js';

export interface ServiceApiProps {
  apiName: string;
  stageName: string;
  queue: sqs.IQueue;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The REST API for systems and staff inside the company, signed with SigV4 (AWS_IAM):
 * `POST /requests` enqueues a send request straight into SQS, `GET /customers/{customerId}/deliveries`
 * serves customer service, and `/customers/{customerId}` (with `/context` and `/consent`) lets
 * upstream systems write profiles, the current moment and consent, and erase a customer.
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
      // Execution logs need the account-level API Gateway logging role; the CDK keeps it on stack deletion.
      cloudWatchRole: true,
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    this.validator = this.api.addRequestValidator('Validator', { validateRequestBody: true, validateRequestParameters: true });
    this.addRequestsIngest(props.queue);
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-COG4',
        reason: 'Callers are upstream services and staff tools with IAM identities; every method requires SigV4 (AWS_IAM).',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason: 'IAM-only API with stage logging and throttling; a WAF web ACL is an account-level choice attached outside this stack.',
      },
      {
        id: NAG.apiGatewayLoggingRole,
        reason: 'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-documented policy for the account-level API Gateway logging role.',
      },
    );
  }

  /** `POST /requests` → SQS SendMessage, validated against the send-request schema first. */
  private addRequestsIngest(queue: sqs.IQueue): void {
    const role = new iam.Role(this, 'IngestRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway put send requests on the requests queue',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));

    const model = this.api.addModel('SendRequest', {
      contentType: 'application/json',
      modelName: 'SendRequest',
      schema: sendRequestJsonSchema(),
    });
    const integration = new apigateway.AwsIntegration({
      service: 'sqs',
      path: `${Aws.ACCOUNT_ID}/${queue.queueName}`,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: role,
        passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
        requestParameters: {
          'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'",
          'integration.request.header.Accept': "'application/json'",
        },
        requestTemplates: { 'application/json': 'Action=SendMessage&MessageBody=$util.urlEncode($input.body)' },
        integrationResponses: [
          {
            statusCode: '202',
            responseTemplates: {
              'application/json': '{"messageId":"$input.path(\'$.SendMessageResponse.SendMessageResult.MessageId\')"}',
            },
          },
          {
            statusCode: '500',
            selectionPattern: '[45]\\d{2}',
            responseTemplates: { 'application/json': '{"message":"the request could not be enqueued"}' },
          },
        ],
      },
    });
    this.api.root.addResource('requests').addMethod('POST', integration, {
      requestValidator: this.validator,
      requestModels: { 'application/json': model },
      methodResponses: [{ statusCode: '202' }, { statusCode: '500' }],
    });
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
