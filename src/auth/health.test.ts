import { describe, expect, it } from 'vitest'
import {
  DEFAULT_WARN_MS,
  formatRemaining,
  type ProfileHealth,
  profileHealth,
  providerHealthRollup,
} from './health.ts'
import type { Credential, HealthStatus, StoredProfile } from './types.ts'

const NOW = Date.parse('2026-11-22T10:00:00.000Z')
const MIN = 60_000
const H = 60 * MIN
const D = 24 * H

function sp(credential: Record<string, unknown>, id = 'anthropic:work'): StoredProfile {
  return { id, credential: credential as unknown as Credential, createdAt: 0, updatedAt: 0, generation: 1 }
}

describe('profileHealth', () => {
  it.each<[string, Record<string, unknown>, HealthStatus, boolean]>([
    ['api_key', { type: 'api_key', provider: 'anthropic', key: 'sk-x' }, 'static', false],
    [
      'api_key via ref',
      { type: 'api_key', provider: 'anthropic', keyRef: { source: 'env', provider: 'd', id: 'K' } },
      'static',
      false,
    ],
    ['token without expiry', { type: 'token', provider: 'anthropic', token: 't' }, 'static', false],
    [
      'token with invalid expiry',
      { type: 'token', provider: 'anthropic', token: 't', expires: Number.NaN },
      'missing',
      false,
    ],
    [
      'token with zero expiry',
      { type: 'token', provider: 'anthropic', token: 't', expires: 0 },
      'missing',
      false,
    ],
    ['token without token or ref', { type: 'token', provider: 'anthropic' }, 'missing', false],
    [
      'token expired',
      { type: 'token', provider: 'anthropic', token: 't', expires: NOW - 1 },
      'expired',
      false,
    ],
    [
      'token expiring exactly now',
      { type: 'token', provider: 'anthropic', token: 't', expires: NOW },
      'expired',
      false,
    ],
    [
      'token expiring',
      { type: 'token', provider: 'anthropic', token: 't', expires: NOW + H },
      'expiring',
      false,
    ],
    [
      'token at the warn edge',
      { type: 'token', provider: 'anthropic', token: 't', expires: NOW + DEFAULT_WARN_MS },
      'expiring',
      false,
    ],
    [
      'token ok',
      { type: 'token', provider: 'anthropic', token: 't', expires: NOW + DEFAULT_WARN_MS + 1 },
      'ok',
      false,
    ],
    [
      'oauth ok',
      { type: 'oauth', provider: 'openai', access: 'a', refresh: 'r', expires: NOW + 3 * D },
      'ok',
      true,
    ],
    [
      'oauth expiring',
      { type: 'oauth', provider: 'openai', access: 'a', refresh: 'r', expires: NOW + MIN },
      'expiring',
      true,
    ],
    // #42721/#66952: a refreshable but expired access token is not "ok".
    [
      'oauth expired with refresh',
      { type: 'oauth', provider: 'openai', access: 'a', refresh: 'r', expires: NOW - MIN },
      'expired',
      true,
    ],
    [
      'oauth expired without refresh',
      { type: 'oauth', provider: 'openai', access: 'a', expires: NOW - MIN },
      'expired',
      false,
    ],
    [
      'oauth blank refresh is not refreshable',
      { type: 'oauth', provider: 'openai', access: 'a', refresh: ' ', expires: NOW + 3 * D },
      'ok',
      false,
    ],
    [
      'oauth without expiry',
      { type: 'oauth', provider: 'openai', access: 'a', refresh: 'r' },
      'missing',
      true,
    ],
    [
      'oauth with invalid expiry',
      { type: 'oauth', provider: 'openai', access: 'a', refresh: 'r', expires: -1 },
      'missing',
      true,
    ],
    ['oauth with no tokens', { type: 'oauth', provider: 'openai', expires: NOW + 3 * D }, 'missing', false],
  ])('%s -> %s (refreshable %s)', (_label, cred, status, refreshable) => {
    const h = profileHealth(sp(cred), NOW)
    expect(h.status).toBe(status)
    expect(h.refreshable).toBe(refreshable)
    expect(h.profileId).toBe('anthropic:work')
    expect(h.type).toBe(cred.type)
  })

  it('reports expiresAt and remainingMs for expirable profiles', () => {
    const h = profileHealth(
      sp({ type: 'oauth', provider: 'openai', access: 'a', refresh: 'r', expires: NOW - 5 * MIN }),
      NOW,
    )
    expect(h).toEqual({
      profileId: 'anthropic:work',
      provider: 'openai',
      type: 'oauth',
      status: 'expired',
      expiresAt: NOW - 5 * MIN,
      remainingMs: -5 * MIN,
      refreshable: true,
    })
  })

  it('omits expiry fields for static profiles', () => {
    const h = profileHealth(sp({ type: 'api_key', provider: 'anthropic', key: 'k' }), NOW)
    expect('expiresAt' in h).toBe(false)
    expect('remainingMs' in h).toBe(false)
  })

  it('honours a custom warn window', () => {
    const p = sp({ type: 'token', provider: 'anthropic', token: 't', expires: NOW + 2 * H })
    expect(profileHealth(p, NOW, H).status).toBe('ok')
    expect(profileHealth(p, NOW, 3 * H).status).toBe('expiring')
  })

  it('defaults the warn window to 24 h', () => {
    expect(DEFAULT_WARN_MS).toBe(D)
  })
})

function h(status: HealthStatus, expiresAt?: number): ProfileHealth {
  return {
    profileId: `p:${status}${expiresAt ?? ''}`,
    provider: 'p',
    type: status === 'static' ? 'api_key' : 'oauth',
    status,
    ...(expiresAt === undefined ? {} : { expiresAt, remainingMs: expiresAt - NOW }),
    refreshable: false,
  }
}

describe('providerHealthRollup', () => {
  it.each<[string, ProfileHealth[], HealthStatus]>([
    ['no profiles', [], 'missing'],
    ['only static', [h('static'), h('static')], 'static'],
    ['static and ok', [h('static'), h('ok', NOW + 3 * D)], 'ok'],
    ['any expired', [h('ok', NOW + 3 * D), h('expired', NOW - 1), h('expiring', NOW + H)], 'expired'],
    ['any missing counts as expired', [h('ok', NOW + 3 * D), h('missing')], 'expired'],
    ['expiring', [h('ok', NOW + 3 * D), h('expiring', NOW + H), h('static')], 'expiring'],
    ['all ok', [h('ok', NOW + 3 * D), h('ok', NOW + 5 * D)], 'ok'],
  ])('%s -> %s', (_label, list, status) => {
    expect(providerHealthRollup(list).status).toBe(status)
  })

  it('reports the soonest expiry among expirable profiles', () => {
    const r = providerHealthRollup([h('ok', NOW + 5 * D), h('expiring', NOW + H), h('static'), h('missing')])
    expect(r).toEqual({ status: 'expired', expiresAt: NOW + H, remainingMs: H })
  })

  it('has no expiry when nothing expirable has one', () => {
    expect(providerHealthRollup([h('static')])).toEqual({ status: 'static' })
    expect(providerHealthRollup([h('missing')])).toEqual({ status: 'expired' })
  })
})

describe('formatRemaining', () => {
  it.each([
    [-5 * MIN, '0m'],
    [0, '0m'],
    [Number.NaN, '0m'],
    [30_000, '0m'],
    [MIN, '1m'],
    [59 * MIN + 59_999, '59m'],
    [H, '1h'],
    [23 * H + 59 * MIN, '23h'],
    [47 * H + 59 * MIN, '47h'],
    [48 * H, '2d'],
    [3 * D + 23 * H, '3d'],
    [365 * D, '365d'],
  ])('%d ms -> %s', (ms, out) => {
    expect(formatRemaining(ms)).toBe(out)
  })
})
