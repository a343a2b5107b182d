import { Aws, type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/definitions/metrics.js';
import { ENV } from '../../functions/definitions/tables.js';
import { NAG } from '../nag.js';

/** The SDK's default credential chain, replaced in bundles by the environment alone (see the module). */
const LAMBDA_CREDENTIALS = fileURLToPath(new URL('../../functions/composition/lambda-credentials.ts', import.meta.url));

/** Lets CommonJS dependencies bundled into the ESM output still call `require` for Node built-ins. */
const ESM_REQUIRE_BANNER = "import { createRequire as __switchboardCreateRequire } from 'node:module'; const require = __switchboardCreateRequire(import.meta.url);";

export interface HandlerFunctionProps {
  entry: string;
  /** Powertools `service` name, also the `service` metric dimension. */
  serviceName: string;
  timeout: Duration;
  memorySize: number;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  /**
   * The compiled templates, for a handler that renders or checks against them: copied next to the
   * bundle, and its path given to the handler as `TEMPLATE_BUNDLE_PATH`.
   */
  templateBundle?: string;
}

/** The templates bundle's file name in a function's package. */
export const TEMPLATE_BUNDLE_NAME = 'templates.bundle.json';

/** A Lambda function with the platform defaults every Switchboard handler shares. */
export class HandlerFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    const { templateBundle } = props;
    if (templateBundle !== undefined && !existsSync(templateBundle)) {
      throw new Error(`${templateBundle} is missing: run \`npm run build\` to compile the templates before synthesizing.`);
    }
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Bundle the pinned SDK versions rather than whatever the runtime ships.
        bundleAwsSDK: true,
        esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS },
        commandHooks: {
          beforeInstall: () => [],
          beforeBundling: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => (templateBundle ? [`cp "${templateBundle}" "${outputDir}/${TEMPLATE_BUNDLE_NAME}"`] : []),
        },
      },
    });
    if (templateBundle) this.fn.addEnvironment(ENV.templateBundlePath, `/var/task/${TEMPLATE_BUNDLE_NAME}`);
    trustOnlyThisAccount(this.fn);
    Validations.of(this.fn).acknowledge(
      {
        id: NAG.lambdaBasicExecutionRole,
        reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.',
      },
      {
        id: NAG.anyResource,
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'Pinned to Node.js 22, the runtime the handlers and their dependencies are built and tested for.',
      },
    );
  }
}

/**
 * Lets Lambda assume the function's role only on behalf of this account. The function's ARN
 * cannot be named as well (`aws:SourceArn`): the function is created after, and from, its role.
 */
function trustOnlyThisAccount(fn: lambda.Function): void {
  const role = fn.role?.node.defaultChild;
  if (!(role instanceof iam.CfnRole)) throw new Error(`${fn.node.path} has no role of its own to restrict`);
  role.addPropertyOverride('AssumeRolePolicyDocument.Statement.0.Condition', { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } });
}
