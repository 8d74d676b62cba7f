import { describe, expect, it } from 'vitest'
import { envKeyStateId } from '../auth/key-state-id.ts'
import type { AuthView } from '../auth/resolve.ts'
import type { Credential, ProfileState, StoredProfile } from '../auth/types.ts'
import { emptyProfileState } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { selectProbeTargets } from './targets.ts'
import type { ProbeOptions, ProbeTarget } from './types.ts'

const NOW = 1_800_000_000_000
const OPTS: ProbeOptions = { profileIds: [], timeoutMs: 8000, concurrency: 2, maxTokens: 8 }

function view(
  profiles: Array<[string, Credential]>,
  config: OpenclawConfig = {},
  env: Record<string, string> = {},
  orderOverrides: Record<string, string[]> = {},
): AuthView {
  const ps: StoredProfile[] = profiles.map(([id, credential]) => ({
    id,
    credential,
    createdAt: 1,
    updatedAt: 1,
    generation: 1,
  }))
  return {
    agentId: 'main',
    storePath: '/s.sqlite',
    profiles: ps,
    owners: new Map(ps.map((p) => [p.id, 'main'])),
    states: new Map(),
    orderOverrides,
    config: { agents: { defaults: { model: 'anthropic/claude-x' } }, ...config },
    env,
  }
}

const summary = (ts: ProbeTarget[]) =>
  ts.map((t) => ({
    id: t.profileId ?? t.label,
    kind: t.kind,
    ...(t.kind === 'done' ? { status: t.result.status, code: t.result.reasonCode } : {}),
    model: t.model,
  }))

describe('selectProbeTargets (auth-spec 4.4)', () => {
  it('one target per stored profile, model = first configured candidate', () => {
    const v = view([
      ['anthropic:a', { type: 'api_key', provider: 'anthropic', key: 'k1' }],
      ['anthropic:b', { type: 'api_key', provider: 'anthropic', key: 'k2' }],
    ])
    expect(summary(selectProbeTargets(v, OPTS, NOW))).toEqual([
      { id: 'anthropic:a', kind: 'run', model: 'anthropic/claude-x' },
      { id: 'anthropic:b', kind: 'run', model: 'anthropic/claude-x' },
    ])
  })

  it('pre-emits excluded_by_auth_order, expired, missing_credential and no_model without a request', () => {
    const v = view(
      [
        ['anthropic:in', { type: 'api_key', provider: 'anthropic', key: 'k1' }],
        ['anthropic:out', { type: 'api_key', provider: 'anthropic', key: 'k2' }],
        ['openai:old', { type: 'token', provider: 'openai', token: 't', expires: NOW - 1 }],
        ['openai:empty', { type: 'api_key', provider: 'openai' }],
      ],
      { auth: { order: { anthropic: ['anthropic:in'] } } },
    )
    const ts = selectProbeTargets(v, OPTS, NOW)
    expect(summary(ts)).toEqual([
      { id: 'anthropic:in', kind: 'run', model: 'anthropic/claude-x' },
      {
        id: 'anthropic:out',
        kind: 'done',
        status: 'unknown',
        code: 'excluded_by_auth_order',
        model: 'anthropic/claude-x',
      },
      { id: 'openai:old', kind: 'done', status: 'unknown', code: 'expired', model: null },
      { id: 'openai:empty', kind: 'done', status: 'unknown', code: 'missing_credential', model: null },
    ])
    const old = ts.find((t) => t.profileId === 'openai:old')
    expect(old?.kind === 'done' && old.result.error).toMatch(
      /^Auth profile credentials are missing or expired\.\n↳ Auth reason \[expired\]: Token expired at /,
    )
    const out = ts.find((t) => t.profileId === 'anthropic:out')
    expect(out?.kind === 'done' && out.result.error).toBe('Excluded by auth.order for this provider.')
  })

  it('an eligible profile without any configured model reports no_model', () => {
    const v = view([['openai:k', { type: 'api_key', provider: 'openai', key: 'k' }]])
    expect(summary(selectProbeTargets(v, OPTS, NOW))).toEqual([
      { id: 'openai:k', kind: 'done', status: 'no_model', code: 'no_model', model: null },
    ])
  })

  it('an expired OAuth access token with a refresh token must be refreshed first', () => {
    const v = view([
      ['anthropic:o', { type: 'oauth', provider: 'anthropic', access: 'a', refresh: 'r', expires: NOW - 1 }],
    ])
    expect(selectProbeTargets(v, OPTS, NOW)[0]?.kind).toBe('refresh')
  })

  it('env credential where the provider has no profiles; none when a profile filter is given', () => {
    const v = view([], {}, { ANTHROPIC_API_KEY: 'sk-env' })
    const ts = selectProbeTargets(v, OPTS, NOW)
    expect(ts).toHaveLength(1)
    expect(ts[0]).toMatchObject({
      kind: 'run',
      source: 'env',
      label: 'env: ANTHROPIC_API_KEY',
      mode: 'api_key',
      profileId: null,
    })
    expect(
      selectProbeTargets(v, { ...OPTS, profileIds: ['anthropic:x'] }, NOW).map(
        (t) => t.kind === 'done' && t.result.reasonCode,
      ),
    ).toEqual(['missing_credential'])
  })

  it('probes the env key the gateway would use now: past a cooling first key, the first again when all cool', () => {
    const v = view([], {}, { ANTHROPIC_API_KEYS: 'sk-env-0,sk-env-1' })
    const cooling = (value: string) => {
      const id = envKeyStateId('anthropic', 'ANTHROPIC_API_KEYS', value)
      const st = emptyProfileState(id)
      st.cooldowns = [
        {
          profileId: id,
          model: '*',
          until: NOW + 60_000,
          reason: 'rate_limit',
          errorCount: 1,
          lastFailureAt: NOW,
        },
      ]
      return [id, st] as const
    }
    const states = v.states as Map<string, ProfileState>
    states.set(...cooling('sk-env-0'))
    expect(selectProbeTargets(v, OPTS, NOW).map((t) => t.label)).toEqual(['env: ANTHROPIC_API_KEYS[1]'])
    states.set(...cooling('sk-env-1'))
    expect(selectProbeTargets(v, OPTS, NOW).map((t) => t.label)).toEqual(['env: ANTHROPIC_API_KEYS[0]'])
  })

  it('--probe-provider and --probe-profile filter', () => {
    const v = view([
      ['anthropic:a', { type: 'api_key', provider: 'anthropic', key: 'k1' }],
      ['anthropic:b', { type: 'api_key', provider: 'anthropic', key: 'k2' }],
      ['openai:c', { type: 'api_key', provider: 'openai', key: 'k3' }],
    ])
    expect(selectProbeTargets(v, { ...OPTS, provider: 'openai' }, NOW).map((t) => t.profileId)).toEqual([
      'openai:c',
    ])
    expect(
      selectProbeTargets(v, { ...OPTS, profileIds: ['anthropic:b'] }, NOW).map((t) => t.profileId),
    ).toEqual(['anthropic:b'])
  })
})
