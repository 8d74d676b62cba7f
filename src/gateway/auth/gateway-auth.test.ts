import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { OpenclawConfig } from '../../config/types.ts'
import { buildProxyList, resolveClientAddress } from './client-address.ts'
import { FailedAuthLimiter } from './failed-auth-limiter.ts'
import { bearerOf, GatewayAuth } from './gateway-auth.ts'
import { createSecretMatcher } from './secret-match.ts'

const TOKEN = 'gw-token-0123456789abcdef'
const T0 = 1_000_000

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
    const r = tokenAuth().authenticate(req(header), T0)
    expect(r).toMatchObject({ ok: false, status: 401, code })
  })

  it('accepts the right token (scheme case-insensitive per RFC 7235) and x-api-key', () => {
    const a = tokenAuth()
    expect(a.authenticate(req(`Bearer ${TOKEN}`), T0).ok).toBe(true)
    expect(a.authenticate(req(`bearer ${TOKEN}`), T0).ok).toBe(true)
    expect(a.authenticate({ peer: '203.0.113.7', headers: { 'x-api-key': TOKEN } }, T0).ok).toBe(true)
  })

  it('missing credentials do not consume the limiter; wrong ones do', () => {
    const a = tokenAuth()
    for (let i = 0; i < 50; i++) a.authenticate(req(undefined), T0)
    expect(a.limiter.size).toBe(0)
    a.authenticate(req('Bearer wrong'), T0)
    expect(a.limiter.size).toBe(1)
  })
})

describe('failed-auth limiter (F-03)', () => {
  it('10 wrong tokens lock the address: the 11th and even the right token get 429 until the lockout ends', () => {
    const a = tokenAuth()
    for (let i = 0; i < 9; i++)
      expect(a.authenticate(req('Bearer wrong'), T0 + i)).toMatchObject({ status: 401 })
    expect(a.authenticate(req('Bearer wrong'), T0 + 9)).toMatchObject({ ok: false, status: 429 })
    const locked = a.authenticate(req(`Bearer ${TOKEN}`), T0 + 10)
    expect(locked).toMatchObject({ ok: false, status: 429 })
    expect(locked.ok === false && locked.retryAfterMs).toBeGreaterThan(290_000)
    expect(a.authenticate(req(`Bearer ${TOKEN}`, '198.51.100.9'), T0 + 10).ok).toBe(true)
    expect(a.authenticate(req(`Bearer ${TOKEN}`), T0 + 9 + 300_001).ok).toBe(true)
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
    for (let i = 0; i < 20; i++) a.authenticate(req('Bearer wrong', '127.0.0.1'), T0)
    expect(a.authenticate(req(`Bearer ${TOKEN}`, '127.0.0.1'), T0).ok).toBe(true)
    for (let i = 0; i < 10; i++)
      a.authenticate(req('Bearer wrong', '127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }), T0)
    expect(
      a.authenticate(req(`Bearer ${TOKEN}`, '127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }), T0),
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
      auth().authenticate(via('10.0.0.1', { 'x-forwarded-user': 'alice', 'x-proxy-secret': 's' }), T0),
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
    expect(auth().authenticate(via(peer, headers), T0)).toMatchObject({ ok: false, status: 401, code })
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
