import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LinkSigner } from '../core/ports.js';
import { withHttpTimeouts } from './http-timeouts.js';
import { MemoryLinkSigner } from './memory/link-signer.js';
import { SecretsManagerLinkSigner } from './secrets-manager-link-signer.js';

/**
 * The signer every handler that signs or checks links builds at cold start, from the secret's
 * name or ARN in its configuration. Without one it fails closed: it signs nothing and accepts
 * nothing. The endpoint comes from the SDK's own settings (`AWS_ENDPOINT_URL_SECRETS_MANAGER`),
 * which is how local mode points it at its stand-in.
 */
export function composeLinkSigner(secretId: string | undefined): LinkSigner {
  if (!secretId) return new MemoryLinkSigner();
  return new SecretsManagerLinkSigner(new SecretsManagerClient(withHttpTimeouts()), { secretId });
}
