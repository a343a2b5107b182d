import { randomBytes } from 'node:crypto';
import { PermanentError } from '../../core/errors.js';
import type { LinkCheck, LinkClaims, LinkSigner } from '../../core/ports.js';
import { type KeyRing, LINKS_NOT_CONFIGURED } from '../link-keys.js';
import { signLink, verifyLink } from '../link-tokens.js';

/**
 * Signs with keys held in memory, in the same format as the deployed signer: for tests, dry runs
 * and previews. Without a key ring it is the signer of a deployment with no secret configured:
 * it signs nothing and accepts nothing.
 */
export class MemoryLinkSigner implements LinkSigner {
  constructor(private readonly ring?: KeyRing) {}

  /** A signer with one fresh random key, for links nobody will verify later (a dry run). */
  static throwaway(): MemoryLinkSigner {
    return new MemoryLinkSigner({ currentKeyId: 'throwaway', keys: new Map([['throwaway', randomBytes(32).toString('base64url')]]) });
  }

  async sign(claims: LinkClaims): Promise<string> {
    if (!this.ring) throw new PermanentError('links cannot be signed: no signing secret is configured', LINKS_NOT_CONFIGURED);
    return signLink(claims, this.ring);
  }

  async verify(token: string, purpose: LinkClaims['purpose'], now: Date): Promise<LinkCheck> {
    if (!this.ring) return { ok: false, code: 'NOT_CONFIGURED' };
    return verifyLink(token, purpose, now, this.ring);
  }
}
