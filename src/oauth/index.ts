/**
 * Public surface of the OAuth module: the refresher the gateway and the probe call, the
 * standalone refresh functions, and the provider data.
 */
export { coordinationKey, refreshTokenHash } from './coordination-key.ts'
export { loginCommand, TERMINAL_REASONS } from './failure.ts'
export { BUILTIN_OAUTH, type OAuthProviderConfig, resolveOAuthProvider } from './provider-config.ts'
export { ensureFreshOAuth, refreshAfterUnauthorized } from './refresh.ts'
export { DEFAULT_TIMING, type RefreshTiming } from './refresh-policy.ts'
export type {
  RefreshDeps,
  RefreshEvent,
  RefreshHooks,
  RefreshOutcome,
  RefreshRequest,
  RefreshSuccess,
} from './refresh-types.ts'
export { createOAuthRefresher, type OAuthRefresher, type OAuthRefresherOptions } from './refresher.ts'
