import { describe, expect, it } from 'vitest'
import type { Credential, ProfileState, StoredProfile } from '../auth/types.ts'
import type { StoreSnapshot } from '../store/credential-store.ts'
import { planImport, planIsNoop } from './import-plan.ts'
import type { ParsedLegacy } from './types.ts'

const NOW = 1_800_000_000_000

function stored(id: string, credential: Credential): StoredProfile {
  return { id, credential, createdAt: 1, updatedAt: 1, generation: 1 }
}

function snap(profiles: StoredProfile[] = [], extra: Partial<StoreSnapshot> = {}): StoreSnapshot {
  return { profiles, states: new Map(), orderOverrides: {}, lastGood: {}, ...extra }
}

function parsed(
  creds: Array<[string, Credential]>,
  state: Partial<ParsedLegacy['state']> = {},
  shape: ParsedLegacy['shape'] = 'profiles',
): ParsedLegacy {
  return {
    shape,
    credentials: creds.map(([id, credential]) => ({ id, credential })),
    awsSdk: [],
    state: { order: {}, lastGood: {}, usageStats: {}, ...state },
    rejected: [],
  }
}

const key = (k: string, provider = 'anthropic'): Credential => ({ type: 'api_key', provider, key: k })

describe('planImport', () => {
  it('writes new profiles, skips identical ones, and reports a differing usable one as a conflict', () => {
    const plan = planImport(
      parsed([
        ['anthropic:new', key('k-new')],
        ['anthropic:same', key('k-same')],
        ['anthropic:taken', key('k-legacy')],
      ]),
      snap([stored('anthropic:same', key('k-same')), stored('anthropic:taken', key('k-stored'))]),
      NOW,
    )
    expect(plan.writes.map((w) => w.id)).toEqual(['anthropic:new'])
    expect(plan.identical).toEqual(['anthropic:same'])
    expect(plan.conflicts).toEqual([{ id: 'anthropic:taken', reason: expect.any(String) }])
  })

  it('replaces a stored credential that is not usable (e.g. an expired token)', () => {
    const expired: Credential = { type: 'token', provider: 'anthropic', token: 'old', expires: NOW - 1 }
    const plan = planImport(parsed([['anthropic:t', key('k')]]), snap([stored('anthropic:t', expired)]), NOW)
    expect(plan.writes.map((w) => w.id)).toEqual(['anthropic:t'])
    expect(plan.conflicts).toEqual([])
  })

  it('is a no-op when everything is already imported (rerun after a crash)', () => {
    const p = parsed([['anthropic:a', key('k')]], {
      order: { anthropic: ['anthropic:a'] },
      usageStats: { 'anthropic:a': { lastUsed: 7 } },
    })
    const first = planImport(p, snap(), NOW)
    const state: ProfileState = first.states[0]!.state
    const after = snap([stored('anthropic:a', key('k'))], {
      states: new Map([['anthropic:a', state]]),
      orderOverrides: { anthropic: ['anthropic:a'] },
    })
    const second = planImport(p, after, NOW)
    expect(planIsNoop(second)).toBe(true)
    expect(second.identical).toEqual(['anthropic:a'])
  })

  it('maps openai-codex ids to openai, collision-free and deterministic', () => {
    const codex: Credential = { type: 'oauth', provider: 'openai-codex', access: 'at', refresh: 'rt' }
    const p = parsed([['openai-codex:me', codex]], {
      order: { 'openai-codex': ['openai-codex:me'], openai: ['openai:me'] },
      usageStats: { 'openai-codex:me': { lastUsed: 3 } },
    })
    const taken = snap([stored('openai:me', key('sk', 'openai'))])
    const plan = planImport(p, taken, NOW)
    expect(plan.renamed).toEqual([{ from: 'openai-codex:me', to: 'openai:me-codex' }])
    expect(plan.writes).toEqual([{ id: 'openai:me-codex', credential: { ...codex, provider: 'openai' } }])
    expect(plan.order).toEqual([{ provider: 'openai', ids: ['openai:me', 'openai:me-codex'] }])
    expect(plan.states.map((s) => s.id)).toEqual(['openai:me-codex'])
    // Rerun: the earlier import is recognised under the same target id.
    const rerun = planImport(
      p,
      snap([...taken.profiles, stored('openai:me-codex', { ...codex, provider: 'openai' })]),
      NOW,
    )
    expect(rerun.identical).toEqual(['openai:me-codex'])
    expect(rerun.writes).toEqual([])
  })

  it('a codex id whose canonical id is claimed by the same file takes the -codex variant', () => {
    const plan = planImport(
      parsed([
        ['openai:x', key('a', 'openai')],
        ['openai-codex:x', { type: 'oauth', provider: 'openai-codex', access: 'at' }],
      ]),
      snap(),
      NOW,
    )
    expect(plan.writes.map((w) => w.id)).toEqual(['openai:x', 'openai:x-codex'])
  })

  it('never replaces an existing order override; skips empty legacy orders', () => {
    const plan = planImport(
      parsed([['anthropic:a', key('k')]], { order: { anthropic: ['anthropic:a'], openai: [] } }),
      snap([], { orderOverrides: { anthropic: ['anthropic:b'] } }),
      NOW,
    )
    expect(plan.order).toEqual([])
    expect(plan.orderKept.map((o) => o.provider).sort()).toEqual(['anthropic', 'openai'])
  })

  it('carries only still-active windows and never shortens an active one', () => {
    const p = parsed([['anthropic:a', key('k')]], {
      usageStats: {
        'anthropic:a': {
          lastUsed: 10,
          cooldownUntil: NOW + 60_000,
          cooldownModel: 'claude-x',
          disabledUntil: NOW - 1,
          disabledReason: 'billing',
        },
      },
    })
    const existing: ProfileState = {
      profileId: 'anthropic:a',
      failureCounts: {},
      lastUsed: 99,
      cooldowns: [
        {
          profileId: 'anthropic:a',
          model: 'claude-x',
          until: NOW + 120_000,
          reason: 'rate_limit',
          errorCount: 3,
          lastFailureAt: 5,
        },
      ],
    }
    const plan = planImport(
      p,
      snap([stored('anthropic:a', key('k'))], { states: new Map([['anthropic:a', existing]]) }),
      NOW,
    )
    // Nothing newer in the legacy record: no state write at all.
    expect(plan.states).toEqual([])
    const fresh = planImport(p, snap(), NOW)
    expect(fresh.states[0]?.state).toMatchObject({
      lastUsed: 10,
      cooldowns: [{ model: 'claude-x', until: NOW + 60_000, reason: 'rate_limit' }],
    })
    expect(fresh.states[0]?.state.disabled).toBeUndefined()
  })

  it('auth-state.json state applies to stored profiles only', () => {
    const plan = planImport(
      parsed(
        [],
        {
          usageStats: { 'anthropic:a': { lastUsed: 5 }, 'anthropic:ghost': { lastUsed: 6 } },
          lastGood: { anthropic: 'anthropic:a' },
        },
        'state',
      ),
      snap([stored('anthropic:a', key('k'))]),
      NOW,
    )
    expect(plan.states.map((s) => s.id)).toEqual(['anthropic:a'])
    expect(plan.lastGood).toEqual([{ provider: 'anthropic', id: 'anthropic:a', at: 5 }])
  })
})

describe('legacy windows are clamped to the ladder', () => {
  const usage = (u: Record<string, unknown>) =>
    parsed([['anthropic:a', key('k')]], { usageStats: { 'anthropic:a': u } })

  it('a rate limit until 2100 becomes 5 minutes from the import, a billing disable 24 h, auth_permanent 60 min; each reported', () => {
    const far = 4102444800000
    const rl = planImport(usage({ cooldownUntil: far, cooldownReason: 'rate_limit' }), snap(), NOW)
    expect(rl.states[0]!.state.cooldowns).toMatchObject([{ model: '*', until: NOW + 5 * 60_000 }])
    expect(rl.clamped).toEqual([
      {
        id: 'anthropic:a',
        kind: 'cooldown',
        reason: 'rate_limit',
        model: '*',
        requestedUntil: far,
        until: NOW + 5 * 60_000,
        requestedMs: far - NOW,
        allowedMs: 5 * 60_000,
      },
    ])
    const billing = planImport(usage({ disabledUntil: far, disabledReason: 'billing' }), snap(), NOW)
    expect(billing.states[0]!.state.disabled?.until).toBe(NOW + 24 * 3_600_000)
    const perm = planImport(usage({ disabledUntil: far, disabledReason: 'auth' }), snap(), NOW)
    expect(perm.states[0]!.state.disabled).toMatchObject({
      reason: 'auth_permanent',
      until: NOW + 60 * 60_000,
    })
  })

  it('windows inside the ladder are kept as they are and not reported', () => {
    const plan = planImport(usage({ cooldownUntil: NOW + 60_000, cooldownModel: 'claude-x' }), snap(), NOW)
    expect(plan.states[0]!.state.cooldowns).toMatchObject([{ model: 'claude-x', until: NOW + 60_000 }])
    expect(plan.clamped).toEqual([])
  })

  it('a rerun does not extend the clamped window it imported before (idempotent)', () => {
    const p = usage({ cooldownUntil: 4102444800000 })
    const first = planImport(p, snap(), NOW)
    const written = first.states[0]!.state
    const rerun = planImport(
      p,
      snap([stored('anthropic:a', key('k'))], { states: new Map([['anthropic:a', written]]) }),
      NOW + 60_000,
    )
    expect(rerun.states).toEqual([])
    expect(rerun.clamped).toEqual([])
  })
})
