/**
 * Client authentication for every gateway route and the WebSocket (Appendix A of the auth
 * spec): modes none | token | password | trusted-proxy. Built from config + env at start and
 * on every reload, so a rotated token is enforced on the next request (F-08). A verified
 * credential carries the scopes bound to it server-side (F-10: scoped `gateway.auth.clients`;
 * everything else holds all scopes). The password may be stored only as a scrypt hash (F-14);
 * then `authenticate` answers asynchronously until the password has been proven once.
 */
import os from 'node:os'
import type { OpenclawConfig } from '../../config/types.ts'
import { OpenclawError } from '../../errors.ts'
import { isLoopbackHost } from '../bind-policy.ts'
import { buildProxyList, type ClientAddress, isLoopbackIp, resolveClientAddress } from './client-address.ts'
import { FailedAuthLimiter, type LimiterOptions } from './failed-auth-limiter.ts'
import { parsePasswordHash } from './password-hash.ts'
import { PasswordVerifier } from './password-verifier.ts'
import { ALL_SCOPES, type ScopeName, type ScopeSet, scopeSet } from './scopes.ts'
import {
  createSecretMatcher,
  createSecretTable,
  type SecretMatcher,
  type SecretTable,
} from './secret-match.ts'

export type AuthMode = 'none' | 'token' | 'password' | 'trusted-proxy'

export interface AuthRequest {
  peer: string | undefined
  headers: Record<string, string | string[] | undefined>
  /** Credential from a WebSocket connect frame (browsers cannot set headers). */
  frameSecret?: string
}

/** Resolved secrets (config value, SecretRef or OPENCLAW_GATEWAY_TOKEN/PASSWORD). */
export interface GatewayAuthSecrets {
  token?: string
  password?: string
  /** `gateway.auth.clients[i].token` resolved, by index. */
  clientTokens?: ReadonlyArray<string | undefined>
}

export type AuthResult =
  | {
      ok: true
      client: ClientAddress
      user?: string
      /** Granted server-side by the credential that matched; never from the request. */
      scopes: ScopeSet
      /** The `gateway.auth.clients[].name` that matched, when a scoped client did. */
      principal?: string
    }
  | { ok: false; status: 401 | 429 | 503; code: string; client: ClientAddress; retryAfterMs?: number }

type Verdict =
  | { ok: true; user?: string; scopes: ScopeSet; principal?: string }
  | { ok: false; code: string; counts: boolean; busy?: true }

/** What a matched token grants: built once per credential, returned as is per request. */
type Grant = Extract<Verdict, { ok: true }>

const FULL: Grant = { ok: true, scopes: ALL_SCOPES }
const BUSY_RETRY_MS = 1000

interface TrustedProxySettings {
  userHeader: string
  requiredHeaders: string[]
  allowUsers: string[] | undefined
  allowLoopback: boolean
}

export class GatewayAuth {
  readonly mode: AuthMode
  /** The main token (token mode) and every scoped client token, one constant-time table. */
  private readonly tokens: SecretTable<Grant> | undefined
  private readonly password: SecretMatcher | undefined
  /** Set when the password is kept only as `gateway.auth.passwordHash`. */
  readonly passwordVerifier: PasswordVerifier | undefined
  private readonly trusted: ReturnType<typeof buildProxyList> | undefined
  private readonly proxy: TrustedProxySettings | undefined
  private readonly allowRealIp: boolean
  private readonly exemptLoopback: boolean
  readonly limiter: FailedAuthLimiter

  private constructor(init: {
    mode: AuthMode
    tokens: Array<{ secret: string; value: Grant }>
    password?: string
    passwordVerifier?: PasswordVerifier
    trustedProxies: string[]
    proxy?: TrustedProxySettings
    allowRealIp: boolean
    exemptLoopback: boolean
    limiter: FailedAuthLimiter
  }) {
    this.mode = init.mode
    this.tokens = init.tokens.length > 0 ? createSecretTable(init.tokens) : undefined
    this.password = init.password ? createSecretMatcher(init.password) : undefined
    this.passwordVerifier = init.passwordVerifier
    this.trusted = init.trustedProxies.length > 0 ? buildProxyList(init.trustedProxies) : undefined
    this.proxy = init.proxy
    this.allowRealIp = init.allowRealIp
    this.exemptLoopback = init.exemptLoopback
    this.limiter = init.limiter
  }

  /**
   * Validates the settings (startup errors name the keys involved). `secrets` are the resolved
   * token/password/client tokens. `limiter` lets a reload keep the lockouts already in force,
   * `passwordVerifier` a proven password (same hash). `clientCertsRequired`: TLS with required
   * client certificates counts as client auth for the non-loopback bind rule.
   */
  static fromConfig(
    config: OpenclawConfig,
    secrets: GatewayAuthSecrets,
    opts: {
      bind: string
      limiter?: FailedAuthLimiter
      passwordVerifier?: PasswordVerifier
      clientCertsRequired?: boolean
    },
  ): GatewayAuth {
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
    return new GatewayAuth({
      mode,
      tokens,
      ...(password !== undefined && (mode === 'password' || mode === 'trusted-proxy') ? { password } : {}),
      ...(verifier ? { passwordVerifier: verifier } : {}),
      trustedProxies,
      ...(proxy ? { proxy } : {}),
      allowRealIp: a.allowRealIpFallback === true,
      exemptLoopback: rl.exemptLoopback !== false,
      limiter,
    })
  }

  /**
   * Synchronous except while a stored password hash has not been proven yet (then the first
   * verification of each distinct value runs scrypt off the event loop).
   */
  authenticate(req: AuthRequest, now: number): AuthResult | Promise<AuthResult> {
    const client = resolveClientAddress(req.peer, req.headers, this.trusted, {
      allowRealIp: this.allowRealIp,
    })
    if (this.mode === 'none') return { ok: true, client, scopes: ALL_SCOPES }
    // Loopback is exempt from lockouts only when no proxy is involved (F-04).
    const exempt = this.exemptLoopback && isLoopbackIp(client.peer) && !client.forwardedHeaders
    if (!exempt) {
      const blocked = this.limiter.blockedFor(client.address, now)
      if (blocked > 0) return { ok: false, status: 429, code: 'rate_limited', client, retryAfterMs: blocked }
    }
    const presented = req.frameSecret ?? bearerOf(req.headers)
    const verdict = this.check(req, client, presented)
    return verdict instanceof Promise
      ? verdict.then((v) => this.settle(v, client, exempt, now))
      : this.settle(verdict, client, exempt, now)
  }

  private settle(verdict: Verdict, client: ClientAddress, exempt: boolean, now: number): AuthResult {
    const key = client.address
    if (verdict.ok) {
      if (!exempt) this.limiter.succeed(key, now)
      const r: Extract<AuthResult, { ok: true }> = { ok: true, client, scopes: verdict.scopes }
      if (verdict.user) r.user = verdict.user
      if (verdict.principal) r.principal = verdict.principal
      return r
    }
    if (verdict.busy)
      return { ok: false, status: 503, code: verdict.code, client, retryAfterMs: BUSY_RETRY_MS }
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
  ): Verdict | Promise<Verdict> {
    if (this.mode === 'token' || this.mode === 'password') {
      if (presented === undefined) return { ok: false, code: `${this.mode}_missing`, counts: false }
      const grant = this.tokens?.match(presented)
      if (grant) return grant
      if (this.mode === 'token') return { ok: false, code: 'token_mismatch', counts: true }
      const pw = this.checkPassword(presented)
      const settle = (r: boolean | 'busy'): Verdict =>
        r === true
          ? FULL
          : r === 'busy'
            ? { ok: false, code: 'password_verification_busy', counts: false, busy: true }
            : { ok: false, code: 'password_mismatch', counts: true }
      return pw instanceof Promise ? pw.then(settle) : settle(pw)
    }
    // trusted-proxy; a password may still serve direct internal callers.
    if (presented !== undefined && (this.password || this.passwordVerifier)) {
      const pw = this.checkPassword(presented)
      if (pw === true) return FULL
      // Busy or wrong: the request may still be a proxied identity.
      if (pw instanceof Promise) return pw.then((r) => (r === true ? FULL : this.checkProxy(req, client)))
    }
    return this.checkProxy(req, client)
  }

  /** The main password: plaintext matcher, or the hash verifier (sync once proven). */
  private checkPassword(presented: string): boolean | Promise<boolean | 'busy'> {
    if (this.password) return this.password(presented)
    const v = this.passwordVerifier
    if (!v) return false
    const quick = v.quick(presented)
    if (quick !== undefined) return quick
    return v.verify(presented).then((o) => (o === 'busy' ? 'busy' : o === 'match'))
  }

  private checkProxy(req: AuthRequest, client: ClientAddress): Verdict {
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
    return { ok: true, user, scopes: ALL_SCOPES }
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
