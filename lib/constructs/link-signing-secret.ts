import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../functions/definitions/tables.js';

/**
 * The keys that sign and check the links in messages (one-click unsubscribe, preference centre).
 * Generated once as a single plain key, which the signer knows as key `k0`; rotating means
 * writing the JSON form with a new current key and the old ones kept (README). The properties
 * stay exactly as the first deployments had them: CloudFormation regenerates a secret whose
 * generation settings change, which would break every link already sent.
 */
export class LinkSigningSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Signs Switchboard one-click unsubscribe links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Links stay valid for up to 400 days, so a key must outlive many rotations: keys are rotated by adding a key id to the secret and keeping the previous ones (README), which single-value automatic rotation cannot do.',
    });
  }

  /**
   * Lets `fn` read the keys at run time: the secret's ARN goes in its environment, never the
   * value, and the role may read this secret and nothing else.
   */
  bind(fn: lambda.Function): void {
    fn.addEnvironment(ENV.linkSigningSecretId, this.secret.secretArn);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }));
  }
}
