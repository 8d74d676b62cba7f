/**
 * Client authentication for every gateway route and the WebSocket (Appendix A of the auth
 * spec): modes none | token | password | trusted-proxy. Built from config + env at start and
 * on every reload, so a rotated token is enforced on the next request (F-08).
 */
import os from 'node:os'
import type { OpenclawConfig } from '../../config/types.ts'
import { OpenclawError } from '../../errors.ts'
import { isLoopbackHost } from '../bind-policy.ts'
import { buildProxyList, type ClientAddress, isLoopbackIp, resolveClientAddress } from './client-address.ts'
import { FailedAuthLimiter, type LimiterOptions } from './failed-auth-limiter.ts'
import { createSecretMatcher, type SecretMatcher } from './secret-match.ts'

export type AuthMode = 'none' | 'token' | 'password' | 'trusted-proxy'

export interface AuthRequest {
  peer: string | undefined
  headers: Record<string, string | string[] | undefined>
  /** Credential from a WebSocket connect frame (browsers cannot set headers). */
  frameSecret?: string
}

export type AuthResult =
  | { ok: true; client: ClientAddress; user?: string }
  | { ok: false; status: 401 | 429; code: string; client: ClientAddress; retryAfterMs?: number }

interface TrustedProxySettings {
  userHeader: string
  requiredHeaders: string[]
  allowUsers: string[] | undefined
  allowLoopback: boolean
}

export class GatewayAuth {
  readonly mode: AuthMode
  private readonly token: SecretMatcher | undefined
  private readonly password: SecretMatcher | undefined
  private readonly trusted: ReturnType<typeof buildProxyList> | undefined
  private readonly proxy: TrustedProxySettings | undefined
  private readonly allowRealIp: boolean
  private readonly exemptLoopback: boolean
  readonly limiter: FailedAuthLimiter

  private constructor(init: {
    mode: AuthMode
    token?: string
    password?: string
    trustedProxies: string[]
    proxy?: TrustedProxySettings
    allowRealIp: boolean
    exemptLoopback: boolean
    limiter: FailedAuthLimiter
  }) {
    this.mode = init.mode
    this.token = init.token ? createSecretMatcher(init.token) : undefined
    this.password = init.password ? createSecretMatcher(init.password) : undefined
    this.trusted = init.trustedProxies.length > 0 ? buildProxyList(init.trustedProxies) : undefined
    this.proxy = init.proxy
    this.allowRealIp = init.allowRealIp
    this.exemptLoopback = init.exemptLoopback
    this.limiter = init.limiter
  }

  /**
   * Validates the settings (startup errors name the keys involved). `secrets` are the resolved
   * token/password (config value, SecretRef or OPENCLAW_GATEWAY_TOKEN/PASSWORD). `limiter` lets a
   * reload keep the lockouts already in force.
   */
  static fromConfig(
    config: OpenclawConfig,
    secrets: { token?: string; password?: string },
    opts: { bind: string; limiter?: FailedAuthLimiter },
  ): GatewayAuth {
    const g = config.gateway ?? {}
    const a = (g.auth ?? {}) as Record<string, unknown>
    const explicit = a.mode as AuthMode | undefined
    const { token, password } = secrets
    if (!explicit && token && password) {
      throw startup(
        'Both a gateway token and a password are configured; set gateway.auth.mode to "token" or "password".',
      )
    }
    const mode: AuthMode = explicit ?? (token ? 'token' : password ? 'password' : 'none')
    if (mode === 'token' && !token)
      throw startup(
        'gateway.auth.mode is "token" but no token is set (gateway.auth.token or OPENCLAW_GATEWAY_TOKEN).',
      )
    if (mode === 'password' && !password) {
      throw startup(
        'gateway.auth.mode is "password" but no password is set (gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD).',
      )
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
    if (mode === 'none' && !isLoopbackHost(opts.bind)) {
      throw startup(
        `Refusing to bind ${opts.bind} without client auth: set gateway.auth.mode (token, password or trusted-proxy).`,
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
    return new GatewayAuth({
      mode,
      ...(token ? { token } : {}),
      ...(password ? { password } : {}),
      trustedProxies,
      ...(proxy ? { proxy } : {}),
      allowRealIp: a.allowRealIpFallback === true,
      exemptLoopback: rl.exemptLoopback !== false,
      limiter,
    })
  }

  authenticate(req: AuthRequest, now: number): AuthResult {
    const client = resolveClientAddress(req.peer, req.headers, this.trusted, {
      allowRealIp: this.allowRealIp,
    })
    if (this.mode === 'none') return { ok: true, client }
    // Loopback is exempt from lockouts only when no proxy is involved (F-04).
    const exempt = this.exemptLoopback && isLoopbackIp(client.peer) && !client.forwardedHeaders
    const key = client.address
    if (!exempt) {
      const blocked = this.limiter.blockedFor(key, now)
      if (blocked > 0) return { ok: false, status: 429, code: 'rate_limited', client, retryAfterMs: blocked }
    }
    const presented = req.frameSecret ?? bearerOf(req.headers)
    const verdict = this.check(req, client, presented)
    if (verdict.ok) {
      if (!exempt) this.limiter.succeed(key, now)
      return { ok: true, client, ...(verdict.user ? { user: verdict.user } : {}) }
    }
    if (verdict.counts && !exempt) {
      const locked = this.limiter.fail(key, now)
      if (locked > 0) return { ok: false, status: 429, code: 'rate_limited', client, retryAfterMs: locked }
    }
    return { ok: false, status: 401, code: verdict.code, client }
  }

  private check(
    req: AuthRequest,
    client: ClientAddress,
    presented: string | undefined,
  ): { ok: true; user?: string } | { ok: false; code: string; counts: boolean } {
    if (this.mode === 'token' || this.mode === 'password') {
      const matcher = this.mode === 'token' ? this.token! : this.password!
      if (presented === undefined) return { ok: false, code: `${this.mode}_missing`, counts: false }
      return matcher(presented) ? { ok: true } : { ok: false, code: `${this.mode}_mismatch`, counts: true }
    }
    // trusted-proxy; a password may still serve direct internal callers.
    if (this.password && presented !== undefined && this.password(presented)) return { ok: true }
    const p = this.proxy!
    if (isLoopbackIp(client.peer) && !p.allowLoopback)
      return { ok: false, code: 'trusted_proxy_loopback_source', counts: true }
    if (!client.viaTrustedProxy) return { ok: false, code: 'trusted_proxy_untrusted_source', counts: true }
    if (!isLoopbackIp(client.peer) && ownAddresses().has(client.peer))
      return { ok: false, code: 'trusted_proxy_local_interface_source', counts: true }
    for (const h of p.requiredHeaders) {
      if (!headerOnce(req.headers, h))
        return { ok: false, code: `trusted_proxy_missing_header_${h}`, counts: true }
    }
    const user = headerOnce(req.headers, p.userHeader)
    if (!user) return { ok: false, code: 'trusted_proxy_user_missing', counts: true }
    if (p.allowUsers && !p.allowUsers.includes(user))
      return { ok: false, code: 'trusted_proxy_user_not_allowed', counts: true }
    return { ok: true, user }
  }
}

/** `Authorization: Bearer <secret>` (scheme case-insensitive per RFC 7235) or `x-api-key`. */
export function bearerOf(headers: AuthRequest['headers']): string | undefined {
  const auth = headers.authorization
  if (typeof auth === 'string') {
    const m = /^bearer ([^\s]+)$/i.exec(auth)
    return m ? m[1] : ''
  }
  const key = headers['x-api-key']
  return typeof key === 'string' && key.length > 0 ? key : undefined
}

function headerOnce(headers: AuthRequest['headers'], name: string): string | undefined {
  const v = headers[name]
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  // Node joins repeated headers with ", ": two identities is no identity.
  return t && !t.includes(',') ? t : undefined
}

let own: Set<string> | undefined
function ownAddresses(): Set<string> {
  own ??= new Set(
    Object.values(os.networkInterfaces())
      .flat()
      .filter((i): i is os.NetworkInterfaceInfo => i !== undefined)
      .map((i) => i.address),
  )
  return own
}

function startup(message: string): OpenclawError {
  return new OpenclawError('usage', message, { hint: 'See the gateway.auth section of docs/gateway.md.' })
}
