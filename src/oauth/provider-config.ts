/**
 * OAuth providers are data (DECISIONS 7a): the built-in logins are just default values of
 * `models.providers.<id>.oauth`, so a config (or a test) can point any provider at another
 * authorization server without code changes.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import { lookupProviderKey } from '../auth/resolve.ts'
import type { OAuthProviderSettings, OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'

export interface OAuthProviderConfig {
  provider: string
  authorizeUrl: string
  tokenUrl: string
  clientId: string
  scopes: string[]
  /** Loopback callback port; 0 picks a free one (only useful with servers that accept any port). */
  redirectPort: number
  redirectPath: string
  /** Extra query parameters for the authorize URL (provider quirks). */
  authorizeParams: Record<string, string>
  /** `provider/model` that `login --set-default` applies. */
  defaultModel?: string
  builtin: boolean
}

/** OpenAI ChatGPT/Codex sign-in, the public Codex CLI client (auth-spec 3.4). */
const OPENAI: Omit<OAuthProviderConfig, 'provider' | 'builtin'> = {
  authorizeUrl: 'https://auth.openai.com/oauth/authorize',
  tokenUrl: 'https://auth.openai.com/oauth/token',
  clientId: 'app_EMoamEEZ73f0CkXaXp7hrann',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  redirectPort: 1455,
  redirectPath: '/auth/callback',
  authorizeParams: { id_token_add_organizations: 'true', codex_cli_simplified_flow: 'true' },
  defaultModel: 'openai/gpt-5.4',
}

export const BUILTIN_OAUTH: Readonly<Record<string, Omit<OAuthProviderConfig, 'provider' | 'builtin'>>> = {
  openai: OPENAI,
}

/** The merged OAuth settings of a provider, or undefined when it has none. */
export function resolveOAuthProvider(
  providerId: string,
  config: OpenclawConfig,
): OAuthProviderConfig | undefined {
  const provider = normalizeProviderId(providerId)
  const builtin = BUILTIN_OAUTH[provider]
  const cfg: OAuthProviderSettings | undefined = lookupProviderKey(config.models?.providers, provider)?.oauth
  if (!builtin && !cfg) return undefined
  const authorizeUrl = cfg?.authorizeUrl ?? builtin?.authorizeUrl
  const tokenUrl = cfg?.tokenUrl ?? builtin?.tokenUrl
  const clientId = cfg?.clientId ?? builtin?.clientId
  if (!tokenUrl || !clientId) return undefined
  return {
    provider,
    authorizeUrl: authorizeUrl ?? '',
    tokenUrl,
    clientId,
    scopes: normalizeScopes(cfg?.scopes) ?? builtin?.scopes ?? [],
    redirectPort: cfg?.redirectPort ?? builtin?.redirectPort ?? 1455,
    redirectPath: cfg?.redirectPath ?? builtin?.redirectPath ?? '/auth/callback',
    // Config replaces the built-in quirks only when it says so explicitly.
    authorizeParams: cfg?.authorizeParams ?? builtin?.authorizeParams ?? {},
    ...(builtin?.defaultModel ? { defaultModel: builtin.defaultModel } : {}),
    builtin: builtin !== undefined && cfg === undefined,
  }
}

export function requireOAuthProvider(providerId: string, config: OpenclawConfig): OAuthProviderConfig {
  const found = resolveOAuthProvider(providerId, config)
  if (found?.authorizeUrl) return found
  const p = normalizeProviderId(providerId)
  throw new OpenclawError('invalid_input', `Provider "${p}" has no OAuth login configured.`, {
    hint:
      `Add models.providers.${p}.oauth = { authorizeUrl, tokenUrl, clientId, scopes } to openclaw.json, ` +
      `or store a key: openclaw models auth paste-api-key --provider ${p}`,
    details: { provider: p },
  })
}

function normalizeScopes(v: string[] | string | undefined): string[] | undefined {
  if (v === undefined) return undefined
  return (Array.isArray(v) ? v : v.split(/\s+/)).filter((s) => s.length > 0)
}
