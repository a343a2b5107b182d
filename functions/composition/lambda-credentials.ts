import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Takes the place of the SDK's default credential chain in the deployed bundles (the alias in
 * lib/constructs/handler-function.ts). Lambda gives a function its execution role's credentials
 * in the environment, so the rest of the chain (profiles, SSO, web identity, instance metadata)
 * is never reached there; leaving it out takes about a tenth off every bundle and its cold start.
 * Local mode and the tests run the sources, with the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
