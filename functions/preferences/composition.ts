import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadTopicRegistry } from '../adapters/bundle-template-store.js';
import { composeLinkSigner } from '../adapters/compose-link-signer.js';
import type { DocumentClient } from '../adapters/dynamo-connection.js';
import { DynamoConsentWriter } from '../adapters/dynamo-consent-writer.js';
import { DynamoCustomerDirectory } from '../adapters/dynamo-customer-directory.js';
import { createDocumentClient } from '../adapters/dynamo-document-client.js';
import { withHttpTimeouts } from '../adapters/http-timeouts.js';
import { systemClock } from '../adapters/system-clock.js';
import type { PreferenceCentreDeps } from './centre.js';
import type { PreferencesConfig } from './config.js';

/**
 * The preference routes' adapters. Endpoints come from the SDK's own settings
 * (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`), which is how local mode
 * points them at its emulators.
 */
export function composePreferences(config: PreferencesConfig, serviceName: string, documents: DocumentClient = createDocumentClient(new DynamoDBClient(withHttpTimeouts()))) {
  const logger = new Logger({ serviceName });
  const deps: PreferenceCentreDeps = {
    customers: new DynamoCustomerDirectory(documents, { tableName: config.tables.customers }),
    consent: new DynamoConsentWriter(documents, { tableName: config.tables.customers }),
    registry: loadTopicRegistry(config.templateBundlePath),
    clock: systemClock,
    links: composeLinkSigner(config.linkSigningSecretId),
    brand: config.brandName,
    log: logger,
  };
  return { deps, logger };
}
