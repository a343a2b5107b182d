import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../functions/definitions/tables.js';

/** The HMAC key that signs one-click unsubscribe links; generated once, never in the template. */
export class UnsubscribeSecret extends Construct {
  private readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Signs Switchboard one-click unsubscribe links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating the signing key would invalidate the unsubscribe links in every e-mail already delivered.',
    });
  }

  /**
   * Handlers read configuration from the environment at cold start, so the value goes there as a
   * CloudFormation dynamic reference: resolved at deploy time, absent from the template.
   */
  bind(fn: lambda.Function): void {
    fn.addEnvironment(ENV.unsubscribeSecret, this.secret.secretValue.unsafeUnwrap());
  }
}
