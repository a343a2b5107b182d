/**
 * Error names AWS answers with when the caller's role may not make the call: JSON-protocol
 * services (SES v2, Pinpoint) say `AccessDeniedException`, query-protocol ones (SNS) say
 * `AuthorizationError` (modelled as `AuthorizationErrorException`) or `AccessDenied`. Their
 * messages quote the refused action, so only the name may decide: a denied
 * `CheckIfPhoneNumberIsOptedOut` says "opted out" without anyone having opted out.
 */
const AUTHORIZATION_ERROR_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'AuthorizationErrorException']);

export function isAuthorizationError(name: string): boolean {
  return AUTHORIZATION_ERROR_NAMES.has(name);
}
