/**
 * Gateway client-auth settings from config and resolved secrets, validated once at start and
 * on every reload: the mode (explicit or implied), the token table with every scoped client,
 * the password or its stored hash, trusted-proxy rules and the failed-auth limiter. Every
 * startup error names the keys involved and how to fix them.
 */
import type { OpenclawConfig } from '../../config/types.ts'
import { OpenclawError } from '../../errors.ts'
import { isLoopbackHost } from '../bind-policy.ts'
import { FailedAuthLimiter, type LimiterOptions } from './failed-auth-limiter.ts'
import { parsePasswordHash } from './password-hash.ts'
import { PasswordVerifier } from './password-verifier.ts'
import { ALL_SCOPES, type ScopeName, type ScopeSet, scopeSet } from './scopes.ts'

export type AuthMode = 'none' | 'token' | 'password' | 'trusted-proxy'

/** Resolved secrets (config value, SecretRef or OPENCLAW_GATEWAY_TOKEN/PASSWORD). */
export interface GatewayAuthSecrets {
  token?: string
  password?: string
  /** `gateway.auth.clients[i].token` resolved, by index. */
  clientTokens?: ReadonlyArray<string | undefined>
}

/** What a matched token grants: built once per credential, returned as is per request. */
export interface Grant {
  ok: true
  user?: string
  scopes: ScopeSet
  principal?: string
}

export const FULL: Grant = { ok: true, scopes: ALL_SCOPES }

export interface TrustedProxySettings {
  userHeader: string
  requiredHeaders: string[]
  allowUsers: string[] | undefined
  allowLoopback: boolean
}

export interface AuthSettings {
  mode: AuthMode
  tokens: Array<{ secret: string; value: Grant }>
  password?: string
  passwordVerifier?: PasswordVerifier
  trustedProxies: string[]
  proxy?: TrustedProxySettings
  allowRealIp: boolean
  exemptLoopback: boolean
  limiter: FailedAuthLimiter
}

/**
 * Validates the settings (startup errors name the keys involved). `secrets` are the resolved
 * token/password/client tokens. `limiter` lets a reload keep the lockouts already in force,
 * `passwordVerifier` a proven password (same hash). `clientCertsRequired`: TLS with required
 * client certificates counts as client auth for the non-loopback bind rule.
 */
export function authSettingsFromConfig(
  config: OpenclawConfig,
  secrets: GatewayAuthSecrets,
  opts: {
    bind: string
    limiter?: FailedAuthLimiter
    passwordVerifier?: PasswordVerifier
    clientCertsRequired?: boolean
  },
): AuthSettings {
  const g = config.gateway ?? {}
  const a = (g.auth ?? {}) as Record<string, unknown>
  const explicit = a.mode as AuthMode | undefined
  const { token } = secrets
  const hash = typeof a.passwordHash === 'string' && a.passwordHash ? a.passwordHash : undefined
  if (hash && secrets.password !== undefined)
    throw startup(
      'gateway.auth.password and gateway.auth.passwordHash are both set; remove gateway.auth.password (openclaw gateway set-password replaces it with the hash).',
    )
  const password = secrets.password
  const hasPassword = password !== undefined || hash !== undefined
  const clients = clientGrants(a.clients, secrets.clientTokens)
  if (!explicit && token && hasPassword) {
    throw startup(
      'Both a gateway token and a password are configured; set gateway.auth.mode to "token" or "password".',
    )
  }
  const mode: AuthMode =
    explicit ?? (token ? 'token' : hasPassword ? 'password' : clients.length > 0 ? 'token' : 'none')
  if (mode === 'token' && !token && clients.length === 0)
    throw startup(
      'gateway.auth.mode is "token" but no token is set (gateway.auth.token, OPENCLAW_GATEWAY_TOKEN or gateway.auth.clients).',
    )
  if (mode === 'password' && !hasPassword) {
    throw startup(
      'gateway.auth.mode is "password" but no password is set (gateway.auth.passwordHash, gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD).',
    )
  }
  if (clients.length > 0 && mode !== 'token' && mode !== 'password')
    throw startup(
      `gateway.auth.clients needs gateway.auth.mode "token" or "password" (it is "${mode}"); scoped client tokens would bypass ${mode === 'none' ? 'the absence of auth' : 'the proxy identity'}.`,
    )
  const tokens: Array<{ secret: string; value: Grant }> = []
  if (mode === 'token' && token) tokens.push({ secret: token, value: FULL })
  for (const c of clients) {
    const clash = tokens.find((t) => t.secret === c.secret)
    if (clash || (password !== undefined && c.secret === password))
      throw startup(
        `gateway.auth.clients "${c.value.principal}" uses the same token as ${clash?.value.principal ? `client "${clash.value.principal}"` : clash ? 'gateway.auth.token' : 'the gateway password'}; every credential must be distinct (its scopes depend on it).`,
      )
    tokens.push(c)
  }
  let verifier: PasswordVerifier | undefined
  if (hash && (mode === 'password' || mode === 'trusted-proxy')) {
    const parsed = parsePasswordHash(hash)
    if ('error' in parsed) throw startup(`gateway.auth.passwordHash is not usable: ${parsed.error}.`)
    verifier =
      opts.passwordVerifier?.encoded === hash ? opts.passwordVerifier : new PasswordVerifier(hash, parsed)
  }
  const trustedProxies = Array.isArray(g.trustedProxies) ? (g.trustedProxies as string[]) : []
  let proxy: TrustedProxySettings | undefined
  if (mode === 'trusted-proxy') {
    if (token)
      throw startup(
        'gateway.auth.mode "trusted-proxy" cannot be combined with a shared token (gateway.auth.token / OPENCLAW_GATEWAY_TOKEN); remove one.',
      )
    if (trustedProxies.length === 0)
      throw startup(
        'gateway.auth.mode "trusted-proxy" needs gateway.trustedProxies (the proxy addresses or CIDRs).',
      )
    const tp = (a.trustedProxy ?? {}) as Record<string, unknown>
    if (typeof tp.userHeader !== 'string' || !tp.userHeader)
      throw startup('gateway.auth.trustedProxy.userHeader is required in trusted-proxy mode.')
    proxy = {
      userHeader: tp.userHeader.toLowerCase(),
      requiredHeaders: Array.isArray(tp.requiredHeaders)
        ? (tp.requiredHeaders as string[]).map((h) => h.toLowerCase())
        : [],
      allowUsers: Array.isArray(tp.allowUsers) ? (tp.allowUsers as string[]) : undefined,
      allowLoopback: tp.allowLoopback === true,
    }
  }
  if (mode === 'none' && !isLoopbackHost(opts.bind) && !opts.clientCertsRequired) {
    throw startup(
      `Refusing to bind ${opts.bind} without client auth: set gateway.auth.mode (token, password or trusted-proxy), or require client certificates (gateway.tls.clientAuth "require").`,
    )
  }
  const rl = (a.rateLimit ?? {}) as Partial<LimiterOptions> & { exemptLoopback?: boolean }
  const limiter =
    opts.limiter ??
    new FailedAuthLimiter({
      ...(rl.maxAttempts ? { maxAttempts: rl.maxAttempts } : {}),
      ...(rl.windowMs ? { windowMs: rl.windowMs } : {}),
      ...(rl.lockoutMs ? { lockoutMs: rl.lockoutMs } : {}),
    })
  return {
    mode,
    tokens,
    ...(password !== undefined && (mode === 'password' || mode === 'trusted-proxy') ? { password } : {}),
    ...(verifier ? { passwordVerifier: verifier } : {}),
    trustedProxies,
    ...(proxy ? { proxy } : {}),
    allowRealIp: a.allowRealIpFallback === true,
    exemptLoopback: rl.exemptLoopback !== false,
    limiter,
  }
}

/** `gateway.auth.clients` (validated by the config schema) with their resolved tokens. */
function clientGrants(
  raw: unknown,
  tokens: ReadonlyArray<string | undefined> | undefined,
): Array<{ secret: string; value: Grant }> {
  if (!Array.isArray(raw)) return []
  return raw.map((c: { name: string; scopes: ScopeName[] }, i) => {
    const secret = tokens?.[i]
    if (!secret)
      throw startup(
        `gateway.auth.clients[${i}] ("${c.name}") has no token; set token to a value, \${VAR} or a SecretRef.`,
      )
    return { secret, value: { ok: true, scopes: scopeSet(c.scopes), principal: c.name } }
  })
}

function startup(message: string): OpenclawError {
  return new OpenclawError('usage', message, { hint: 'See the gateway.auth section of docs/gateway.md.' })
}
