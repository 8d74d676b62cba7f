/**
 * Client authentication for every gateway route and the WebSocket (Appendix A of the auth
 * spec): modes none | token | password | trusted-proxy. Built from config + env at start and
 * on every reload, so a rotated token is enforced on the next request (F-08). A verified
 * credential carries the scopes bound to it server-side (F-10: scoped `gateway.auth.clients`;
 * everything else holds all scopes). The password may be stored only as a scrypt hash (F-14);
 * then `authenticate` answers asynchronously until the password has been proven once.
 */
import os from 'node:os'
import {
  type AuthMode,
  type AuthSettings,
  authSettingsFromConfig,
  FULL,
  type Grant,
  type TrustedProxySettings,
} from './auth-settings.ts'
import { buildProxyList, type ClientAddress, isLoopbackIp, resolveClientAddress } from './client-address.ts'
import type { FailedAuthLimiter } from './failed-auth-limiter.ts'
import type { PasswordVerifier } from './password-verifier.ts'
import { ALL_SCOPES, type ScopeSet } from './scopes.ts'
import {
  createSecretMatcher,
  createSecretTable,
  type SecretMatcher,
  type SecretTable,
} from './secret-match.ts'

export interface AuthRequest {
  peer: string | undefined
  headers: Record<string, string | string[] | undefined>
  /** Credential from a WebSocket connect frame (browsers cannot set headers). */
  frameSecret?: string
}

export type { AuthMode, GatewayAuthSecrets } from './auth-settings.ts'

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

type Verdict = Grant | { ok: false; code: string; counts: boolean; busy?: true }

const BUSY_RETRY_MS = 1000

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

  private constructor(init: AuthSettings) {
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
   * Validates the settings (auth-settings.ts; startup errors name the keys involved) and builds
   * the authenticator. See authSettingsFromConfig for `secrets` and `opts`.
   */
  static fromConfig(...args: Parameters<typeof authSettingsFromConfig>): GatewayAuth {
    return new GatewayAuth(authSettingsFromConfig(...args))
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
