/** cdk-nag finding ids that recur across constructs; granular rules name the exact policy or resource. */
export const NAG = {
  lambdaBasicExecutionRole: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  apiGatewayLoggingRole: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
  anyResource: 'AwsSolutions-IAM5[Resource::*]',
} as const;
