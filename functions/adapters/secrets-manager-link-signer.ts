import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isRetryable, PermanentError, RetryableError, type SwitchboardError } from '../core/errors.js';
import type { Clock, LinkCheck, LinkClaims, LinkSigner } from '../core/ports.js';
import { describeAwsError, safeMessage } from './aws-errors.js';
import { type KeyRing, LINK_KEYS_UNAVAILABLE, LINKS_NOT_CONFIGURED, parseKeyRing } from './link-keys.js';
import { looksLikeLinkToken, signLink, verifyLink } from './link-tokens.js';
import { systemClock } from './system-clock.js';

export interface SecretsManagerLinkSignerOptions {
  /** Name or ARN of the secret holding the keys; the value itself is only ever read at run time. */
  secretId: string;
  /**
   * How long keys read from the secret are used before it is read again. A rotation adds the new
   * key first and makes it current only after this long (README), so no verifier meets a key id
   * it has not read yet.
   */
  maxAgeSeconds?: number;
  /** How long an unusable secret (missing, denied, malformed) is taken as final before it is read again. */
  failureHoldSeconds?: number;
  clock?: Clock;
}

export const DEFAULT_KEY_MAX_AGE_SECONDS = 300;
const DEFAULT_FAILURE_HOLD_SECONDS = 60;

/**
 * Signs and checks links with keys read from Secrets Manager through Powertools Parameters, which
 * caches the value for `maxAgeSeconds`. Concurrent first reads share one request. A secret that
 * cannot be used is a PermanentError coded `LINKS_NOT_CONFIGURED` for `sign` and `NOT_CONFIGURED`
 * for `verify` (fail closed: nothing is signed or accepted without keys); a passing failure is a
 * RetryableError coded `LINK_KEYS_UNAVAILABLE`, so the caller can try again.
 */
export class SecretsManagerLinkSigner implements LinkSigner {
  private readonly provider: SecretsProvider;
  private readonly clock: Clock;
  private reading?: Promise<KeyRing>;
  private parsed?: { value: string; ring: KeyRing };
  private failure?: { error: SwitchboardError; until: number };

  constructor(
    client: SecretsManagerClient,
    private readonly options: SecretsManagerLinkSignerOptions,
  ) {
    this.provider = new SecretsProvider({ awsSdkV3Client: client });
    this.clock = options.clock ?? systemClock;
  }

  async sign(claims: LinkClaims): Promise<string> {
    return signLink(claims, await this.keys());
  }

  async verify(token: string, purpose: LinkClaims['purpose'], now: Date): Promise<LinkCheck> {
    // A token that cannot be ours costs no read of the secret.
    if (!looksLikeLinkToken(token)) return { ok: false, code: 'MALFORMED' };
    let ring: KeyRing;
    try {
      ring = await this.keys();
    } catch (error) {
      if (isRetryable(error)) throw error;
      return { ok: false, code: 'NOT_CONFIGURED' };
    }
    return verifyLink(token, purpose, now, ring);
  }

  private keys(): Promise<KeyRing> {
    const held = this.failure;
    if (held && this.clock.now().getTime() < held.until) return Promise.reject(held.error);
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<KeyRing> {
    let value: string | Uint8Array | undefined;
    try {
      value = await this.provider.get(this.options.secretId, { maxAge: this.options.maxAgeSeconds ?? DEFAULT_KEY_MAX_AGE_SECONDS });
    } catch (error) {
      const facts = describeAwsError((error as Error).cause ?? error);
      if (facts.retryable) throw new RetryableError(`the link signing secret could not be read: ${safeMessage(facts)}`, LINK_KEYS_UNAVAILABLE, { cause: error });
      throw this.hold(`the link signing secret could not be read: ${safeMessage(facts)}`, error);
    }
    if (typeof value !== 'string') throw this.hold('the link signing secret holds no text');
    if (this.parsed?.value === value) return this.parsed.ring;
    const parsed = parseKeyRing(value);
    if (!parsed.ok) throw this.hold(`the link signing secret is unusable: ${parsed.problems.join('; ')}`);
    this.parsed = { value, ring: parsed.ring };
    this.failure = undefined;
    return parsed.ring;
  }

  private hold(message: string, cause?: unknown): PermanentError {
    const error = new PermanentError(message, LINKS_NOT_CONFIGURED, cause === undefined ? undefined : { cause });
    this.failure = { error, until: this.clock.now().getTime() + (this.options.failureHoldSeconds ?? DEFAULT_FAILURE_HOLD_SECONDS) * 1000 };
    return error;
  }
}
