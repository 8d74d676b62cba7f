import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { OpenclawConfig } from '../../config/types.ts'
import { buildProxyList, resolveClientAddress } from './client-address.ts'
import { FailedAuthLimiter } from './failed-auth-limiter.ts'
import { type AuthRequest, type AuthResult, bearerOf, GatewayAuth } from './gateway-auth.ts'
import { hashPassword } from './password-hash.ts'
import { ALL_SCOPES, scopeSet } from './scopes.ts'
import { createSecretMatcher, createSecretTable } from './secret-match.ts'

const TOKEN = 'gw-token-0123456789abcdef'
const T0 = 1_000_000

/** Without a password hash every verdict is synchronous. */
function authn(a: GatewayAuth, r: AuthRequest, now: number): AuthResult {
  const v = a.authenticate(r, now)
  if (v instanceof Promise) throw new Error('expected a synchronous verdict')
  return v
}

function tokenAuth(extra: Record<string, unknown> = {}, exemptLoopback = false) {
  const config = {
    gateway: { auth: { mode: 'token', rateLimit: { exemptLoopback }, ...extra } },
  } as OpenclawConfig
  return GatewayAuth.fromConfig(config, { token: TOKEN }, { bind: '127.0.0.1' })
}

const req = (
  authorization: string | undefined,
  peer = '203.0.113.7',
  extra: Record<string, string> = {},
) => ({
  peer,
  headers: { ...(authorization !== undefined ? { authorization } : {}), ...extra },
})

describe('secret matching (F-02)', () => {
  it('compares fixed-length HMAC digests with timingSafeEqual and never throws on length', () => {
    const m = createSecretMatcher(TOKEN)
    expect(m(TOKEN)).toBe(true)
    for (const wrong of ['', 'x', TOKEN.slice(0, -1), `${TOKEN}x`, 'y'.repeat(10_000), undefined])
      expect(m(wrong)).toBe(false)
    const src = readFileSync(new URL('./secret-match.ts', import.meta.url), 'utf8')
    expect(src).toContain('timingSafeEqual')
    expect(src).toContain("createHmac('sha256'")
  })
})

describe('secret table (F-02 for several credentials)', () => {
  it('one HMAC, then timingSafeEqual against every entry without an early exit', () => {
    const t = createSecretTable([
      { secret: 'aaaa', value: 1 },
      { secret: 'bbbb', value: 2 },
    ])
    expect(t.match('aaaa')).toBe(1)
    expect(t.match('bbbb')).toBe(2)
    for (const wrong of ['', 'aaa', 'aaaaa', 'y'.repeat(10_000), undefined])
      expect(t.match(wrong)).toBeUndefined()
    const src = readFileSync(new URL('./secret-match.ts', import.meta.url), 'utf8')
    expect(src).toContain('if (timingSafeEqual(got, d.digest) && found === undefined) found = d.value')
  })
})

describe('token auth (F-01)', () => {
  it.each([
    ['missing', undefined, 'token_missing'],
    ['empty bearer', 'Bearer ', 'token_mismatch'],
    ['same length, wrong', `Bearer ${'z'.repeat(TOKEN.length)}`, 'token_mismatch'],
    ['length 1', 'Bearer z', 'token_mismatch'],
    ['length 10000', `Bearer ${'z'.repeat(10_000)}`, 'token_mismatch'],
    ['Bearer twice', `Bearer Bearer ${TOKEN}`, 'token_mismatch'],
    ['lowercase scheme, wrong token', 'bearer nope', 'token_mismatch'],
    ['basic scheme', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, 'token_mismatch'],
  ])('%s -> 401 %s', (_name, header, code) => {
    const r = authn(tokenAuth(), req(header), T0)
    expect(r).toMatchObject({ ok: false, status: 401, code })
  })

  it('accepts the right token (scheme case-insensitive per RFC 7235) and x-api-key', () => {
    const a = tokenAuth()
    expect(authn(a, req(`Bearer ${TOKEN}`), T0).ok).toBe(true)
    expect(authn(a, req(`bearer ${TOKEN}`), T0).ok).toBe(true)
    expect(authn(a, { peer: '203.0.113.7', headers: { 'x-api-key': TOKEN } }, T0).ok).toBe(true)
  })

  it('missing credentials do not consume the limiter; wrong ones do', () => {
    const a = tokenAuth()
    for (let i = 0; i < 50; i++) authn(a, req(undefined), T0)
    expect(a.limiter.size).toBe(0)
    authn(a, req('Bearer wrong'), T0)
    expect(a.limiter.size).toBe(1)
  })
})

describe('failed-auth limiter (F-03)', () => {
  it('10 wrong tokens lock the address: the 11th and even the right token get 429 until the lockout ends', () => {
    const a = tokenAuth()
    for (let i = 0; i < 9; i++) expect(authn(a, req('Bearer wrong'), T0 + i)).toMatchObject({ status: 401 })
    expect(authn(a, req('Bearer wrong'), T0 + 9)).toMatchObject({ ok: false, status: 429 })
    const locked = authn(a, req(`Bearer ${TOKEN}`), T0 + 10)
    expect(locked).toMatchObject({ ok: false, status: 429 })
    expect(locked.ok === false && locked.retryAfterMs).toBeGreaterThan(290_000)
    expect(authn(a, req(`Bearer ${TOKEN}`, '198.51.100.9'), T0 + 10).ok).toBe(true)
    expect(authn(a, req(`Bearer ${TOKEN}`), T0 + 9 + 300_001).ok).toBe(true)
  })

  it('memory stays bounded under 20 000 addresses and a locked address stays locked', () => {
    const l = new FailedAuthLimiter({ maxAttempts: 2, maxEntries: 1000 })
    l.fail('victim', T0)
    l.fail('victim', T0)
    expect(l.blockedFor('victim', T0)).toBeGreaterThan(0)
    for (let i = 0; i < 20_000; i++) l.fail(`10.0.${i >> 8}.${i & 255}`, T0 + 1)
    expect(l.size).toBeLessThanOrEqual(1000)
    expect(l.blockedFor('victim', T0 + 2)).toBeGreaterThan(0)
  })

  it('loopback is exempt only when no forwarding header is present (F-04)', () => {
    const a = tokenAuth({}, true)
    for (let i = 0; i < 20; i++) authn(a, req('Bearer wrong', '127.0.0.1'), T0)
    expect(authn(a, req(`Bearer ${TOKEN}`, '127.0.0.1'), T0).ok).toBe(true)
    for (let i = 0; i < 10; i++)
      authn(a, req('Bearer wrong', '127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }), T0)
    expect(
      authn(a, req(`Bearer ${TOKEN}`, '127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }), T0),
    ).toMatchObject({
      status: 429,
    })
  })
})

describe('client address (F-04, F-07)', () => {
  const trusted = buildProxyList(['10.0.0.1', '10.0.1.0/24'])
  it('ignores forwarding headers from an untrusted peer', () => {
    expect(resolveClientAddress('203.0.113.5', { 'x-forwarded-for': '127.0.0.1' }, trusted).address).toBe(
      '203.0.113.5',
    )
  })
  it('walks X-Forwarded-For right to left past trusted hops', () => {
    const r = resolveClientAddress(
      '10.0.0.1',
      { 'x-forwarded-for': '1.2.3.4, 198.51.100.2, 10.0.1.7' },
      trusted,
    )
    expect(r).toMatchObject({ address: '198.51.100.2', viaTrustedProxy: true })
  })
  it('ignores X-Real-IP unless enabled', () => {
    expect(resolveClientAddress('10.0.0.1', { 'x-real-ip': '198.51.100.3' }, trusted).address).toBe(
      '10.0.0.1',
    )
    expect(
      resolveClientAddress('10.0.0.1', { 'x-real-ip': '198.51.100.3' }, trusted, { allowRealIp: true })
        .address,
    ).toBe('198.51.100.3')
  })
  it('normalises IPv4-mapped IPv6 peers', () => {
    expect(
      resolveClientAddress('::ffff:10.0.0.1', { 'x-forwarded-for': '198.51.100.4' }, trusted).address,
    ).toBe('198.51.100.4')
  })
})

describe('trusted-proxy mode (F-05) and startup rules (F-06)', () => {
  const config = (tp: Record<string, unknown>) =>
    ({
      gateway: {
        trustedProxies: ['10.0.0.1'],
        auth: {
          mode: 'trusted-proxy',
          trustedProxy: {
            userHeader: 'x-forwarded-user',
            requiredHeaders: ['x-proxy-secret'],
            allowUsers: ['alice'],
            ...tp,
          },
        },
      },
    }) as OpenclawConfig
  const auth = (tp: Record<string, unknown> = {}) =>
    GatewayAuth.fromConfig(config(tp), {}, { bind: '0.0.0.0' })
  const via = (peer: string, headers: Record<string, string>) => ({
    peer,
    headers: { 'x-forwarded-for': '198.51.100.1', ...headers },
  })

  it('accepts a known user through the trusted proxy', () => {
    expect(
      authn(auth(), via('10.0.0.1', { 'x-forwarded-user': 'alice', 'x-proxy-secret': 's' }), T0),
    ).toMatchObject({ ok: true, user: 'alice' })
  })

  it.each([
    [
      'identity header sent directly by an untrusted client',
      '203.0.113.1',
      { 'x-forwarded-user': 'alice', 'x-proxy-secret': 's' },
      'trusted_proxy_untrusted_source',
    ],
    [
      'from loopback without allowLoopback',
      '127.0.0.1',
      { 'x-forwarded-user': 'alice', 'x-proxy-secret': 's' },
      'trusted_proxy_loopback_source',
    ],
    [
      'two values for the user header',
      '10.0.0.1',
      { 'x-forwarded-user': 'alice, bob', 'x-proxy-secret': 's' },
      'trusted_proxy_user_missing',
    ],
    [
      'user not allowed',
      '10.0.0.1',
      { 'x-forwarded-user': 'mallory', 'x-proxy-secret': 's' },
      'trusted_proxy_user_not_allowed',
    ],
    [
      'required header missing',
      '10.0.0.1',
      { 'x-forwarded-user': 'alice' },
      'trusted_proxy_missing_header_x-proxy-secret',
    ],
  ])('%s -> %s', (_n, peer, headers, code) => {
    expect(authn(auth(), via(peer, headers), T0)).toMatchObject({ ok: false, status: 401, code })
  })

  it('refuses token + trusted-proxy, a token mode without token, and a public bind without auth', () => {
    expect(() => GatewayAuth.fromConfig(config({}), { token: 'x' }, { bind: '127.0.0.1' })).toThrow(
      /trusted-proxy.*gateway\.auth\.token/,
    )
    expect(() =>
      GatewayAuth.fromConfig({ gateway: { auth: { mode: 'token' } } }, {}, { bind: '127.0.0.1' }),
    ).toThrow(/no token is set/)
    expect(() => GatewayAuth.fromConfig({}, {}, { bind: '0.0.0.0' })).toThrow(/Refusing to bind 0\.0\.0\.0/)
    expect(() => GatewayAuth.fromConfig({}, { token: 'a', password: 'b' }, { bind: '127.0.0.1' })).toThrow(
      /set gateway\.auth\.mode/,
    )
  })
})

describe('bearerOf', () => {
  it('never reads a token from the query string or a malformed header', () => {
    expect(bearerOf({})).toBeUndefined()
    expect(bearerOf({ authorization: 'Token abc' })).toBe('')
    expect(bearerOf({ authorization: 'Bearer a b' })).toBe('')
  })
})

describe('scoped clients (F-10)', () => {
  const READER = 'reader-token-0123456789abcdef'
  const CHATTER = 'chatter-token-0123456789abcdef'
  const clients = [
    { name: 'ci-reader', token: READER, scopes: ['read'] },
    { name: 'app', token: CHATTER, scopes: ['chat'] },
  ]
  const scoped = (extra: Record<string, unknown> = {}, secrets: Record<string, unknown> = { token: TOKEN }) =>
    GatewayAuth.fromConfig(
      {
        gateway: { auth: { mode: 'token', rateLimit: { exemptLoopback: false }, clients, ...extra } },
      } as OpenclawConfig,
      { ...secrets, clientTokens: [READER, CHATTER] },
      { bind: '127.0.0.1' },
    )

  it('each credential carries the scopes bound to it server-side; the main token holds all', () => {
    const a = scoped()
    expect(authn(a, req(`Bearer ${TOKEN}`), T0)).toMatchObject({ ok: true, scopes: ALL_SCOPES })
    expect(authn(a, req(`Bearer ${READER}`), T0)).toMatchObject({
      ok: true,
      scopes: scopeSet(['read']),
      principal: 'ci-reader',
    })
    expect(authn(a, req(`Bearer ${CHATTER}`), T0)).toMatchObject({
      scopes: scopeSet(['chat']),
      principal: 'app',
    })
    expect(authn(a, req(`Bearer ${READER}x`), T0)).toMatchObject({
      ok: false,
      status: 401,
      code: 'token_mismatch',
    })
  })

  it('scopes or roles declared by the client in headers are ignored', () => {
    const a = scoped()
    const r = authn(
      a,
      req(`Bearer ${READER}`, '203.0.113.7', {
        'x-openclaw-scopes': 'admin,chat',
        'x-openclaw-role': 'admin',
        'x-openclaw-client': 'root',
      }),
      T0,
    )
    expect(r).toMatchObject({ ok: true, scopes: scopeSet(['read']), principal: 'ci-reader' })
  })

  it('wrong client tokens count towards the lockout, which then holds for the right client token too', () => {
    const a = scoped()
    for (let i = 0; i < 9; i++)
      expect(authn(a, req(`Bearer ${READER}-no`), T0 + i)).toMatchObject({ status: 401 })
    expect(authn(a, req(`Bearer ${READER}-no`), T0 + 9)).toMatchObject({ status: 429 })
    expect(authn(a, req(`Bearer ${READER}`), T0 + 10)).toMatchObject({ ok: false, status: 429 })
  })

  it('only clients, no main token: token mode is inferred and nobody holds admin by accident', () => {
    const a = GatewayAuth.fromConfig(
      { gateway: { auth: { clients } } } as OpenclawConfig,
      { clientTokens: [READER, CHATTER] },
      { bind: '0.0.0.0' },
    )
    expect(a.mode).toBe('token')
    expect(authn(a, req(`Bearer ${READER}`), T0)).toMatchObject({ ok: true, scopes: scopeSet(['read']) })
  })

  it('refuses ambiguous or unusable client settings at startup, naming the keys', () => {
    const cfg = (auth: Record<string, unknown>) => ({ gateway: { auth } }) as OpenclawConfig
    expect(() =>
      GatewayAuth.fromConfig(
        cfg({ mode: 'token', clients }),
        { token: TOKEN, clientTokens: [READER, READER] },
        { bind: '127.0.0.1' },
      ),
    ).toThrow(/gateway\.auth\.clients "app" uses the same token as client "ci-reader"/)
    expect(() =>
      GatewayAuth.fromConfig(
        cfg({ mode: 'token', clients }),
        { token: TOKEN, clientTokens: [TOKEN, CHATTER] },
        { bind: '127.0.0.1' },
      ),
    ).toThrow(/"ci-reader" uses the same token as gateway\.auth\.token/)
    expect(() =>
      GatewayAuth.fromConfig(
        cfg({ mode: 'token', clients }),
        { token: TOKEN, clientTokens: [undefined, CHATTER] },
        { bind: '127.0.0.1' },
      ),
    ).toThrow(/gateway\.auth\.clients\[0\] \("ci-reader"\) has no token/)
    expect(() =>
      GatewayAuth.fromConfig(
        cfg({ mode: 'none', clients }),
        { clientTokens: [READER, CHATTER] },
        { bind: '127.0.0.1' },
      ),
    ).toThrow(/gateway\.auth\.clients needs gateway\.auth\.mode "token" or "password"/)
    const err = (() => {
      try {
        GatewayAuth.fromConfig(
          cfg({ mode: 'token', clients }),
          { token: TOKEN, clientTokens: [READER, READER] },
          { bind: '127.0.0.1' },
        )
      } catch (e) {
        return (e as Error).message
      }
    })()
    expect(err).not.toContain(READER)
  })
})

describe('password stored as a hash (F-14)', () => {
  const PW = 'pw-0123456789abcdef-secret'
  let encoded: string
  beforeAll(async () => {
    encoded = await hashPassword(PW, { ln: 14, r: 1, p: 1 })
  })
  const hashed = (extra: Record<string, unknown> = {}, secrets: Record<string, unknown> = {}) =>
    GatewayAuth.fromConfig(
      {
        gateway: {
          auth: { mode: 'password', passwordHash: encoded, rateLimit: { exemptLoopback: false }, ...extra },
        },
      } as OpenclawConfig,
      secrets,
      { bind: '127.0.0.1' },
    )

  it('verifies asynchronously until proven, then answers synchronously like the token path', async () => {
    const a = hashed()
    const first = a.authenticate(req(`Bearer ${PW}`), T0)
    expect(first).toBeInstanceOf(Promise)
    expect(await first).toMatchObject({ ok: true, scopes: ALL_SCOPES })
    expect(authn(a, req(`Bearer ${PW}`), T0)).toMatchObject({ ok: true })
    expect(authn(a, req('Bearer wrong-password'), T0)).toMatchObject({
      ok: false,
      status: 401,
      code: 'password_mismatch',
    })
    expect(a.passwordVerifier?.scryptRuns).toBe(1)
    expect(a.limiter.size).toBe(1)
  })

  it('a wrong password before the first proof costs one scrypt and counts as a failure', async () => {
    const a = hashed()
    expect(await a.authenticate(req('Bearer nope-nope'), T0)).toMatchObject({
      status: 401,
      code: 'password_mismatch',
    })
    expect(a.limiter.size).toBe(1)
    expect(authn(a, req(undefined), T0)).toMatchObject({ status: 401, code: 'password_missing' })
  })

  it('too many distinct unproven values at once: 503 busy, not counted, not queued without bound', async () => {
    const a = hashed()
    const pending = Array.from({ length: 17 }, (_, i) =>
      a.authenticate(req(`Bearer guess-${i}`, `198.51.100.${i}`), T0),
    )
    const results = await Promise.all(pending)
    expect(results.slice(0, 16).every((r) => r.ok === false && r.status === 401)).toBe(true)
    expect(results[16]).toMatchObject({
      ok: false,
      status: 503,
      code: 'password_verification_busy',
      retryAfterMs: 1000,
    })
    expect(a.limiter.size).toBe(16)
  })

  it('a reload with the same hash keeps the proof; a new hash starts over', async () => {
    const a = hashed()
    await a.authenticate(req(`Bearer ${PW}`), T0)
    const reloaded = GatewayAuth.fromConfig(
      { gateway: { auth: { mode: 'password', passwordHash: encoded } } } as OpenclawConfig,
      {},
      { bind: '127.0.0.1', passwordVerifier: a.passwordVerifier! },
    )
    expect(authn(reloaded, req(`Bearer ${PW}`), T0)).toMatchObject({ ok: true })
    const other = await hashPassword(PW, { ln: 14, r: 1, p: 1 })
    const rotated = GatewayAuth.fromConfig(
      { gateway: { auth: { mode: 'password', passwordHash: other } } } as OpenclawConfig,
      {},
      { bind: '127.0.0.1', passwordVerifier: a.passwordVerifier! },
    )
    expect(rotated.authenticate(req(`Bearer ${PW}`), T0)).toBeInstanceOf(Promise)
  })

  it('refuses a plaintext password next to the hash, and a hash without the password mode serves nothing', () => {
    expect(() => hashed({}, { password: PW })).toThrow(
      /gateway\.auth\.password and gateway\.auth\.passwordHash are both set/,
    )
    const inferred = GatewayAuth.fromConfig(
      { gateway: { auth: { passwordHash: encoded } } } as OpenclawConfig,
      {},
      { bind: '0.0.0.0' },
    )
    expect(inferred.mode).toBe('password')
  })
})

describe('required client certificates and the bind rule (F-13)', () => {
  it('count as client auth for a non-loopback bind', () => {
    expect(() => GatewayAuth.fromConfig({}, {}, { bind: '0.0.0.0' })).toThrow(/Refusing to bind/)
    expect(GatewayAuth.fromConfig({}, {}, { bind: '0.0.0.0', clientCertsRequired: true }).mode).toBe('none')
  })
})
