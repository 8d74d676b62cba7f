/**
 * auth-spec 2.7 through the one resolution function: a ref beats a stored plaintext key, and an
 * unresolved ref never falls back to env keys or `models.providers.<p>.apiKey`.
 */
import { describe, expect, it } from 'vitest'
import { type AuthView, resolveProviderAuth } from '../auth/resolve.ts'
import type { Credential, SecretRef, StoredProfile } from '../auth/types.ts'
import { SecretsSnapshot } from './snapshot.ts'

const ref: SecretRef = { source: 'file', provider: 'local', id: '/anthropic/prod' }

function view(credential: Credential, snapshot: SecretsSnapshot): AuthView {
  const profile: StoredProfile = {
    id: 'anthropic:prod',
    credential,
    createdAt: 0,
    updatedAt: 0,
    generation: 1,
  }
  return {
    agentId: 'main',
    storePath: '/tmp/store.sqlite',
    profiles: [profile],
    owners: new Map([[profile.id, 'main']]),
    states: new Map(),
    orderOverrides: {},
    config: { models: { providers: { anthropic: { apiKey: 'sk-ant-api03-config-key-000000000' } } } },
    env: { ANTHROPIC_API_KEY: 'sk-ant-api03-env-key-0000000000000' },
    refState: (r) => snapshot.state(r),
    refValue: (r) => snapshot.value(r),
  }
}

describe('ref-backed profiles in resolveProviderAuth', () => {
  it('a resolved ref is the secret sent, even when stale plaintext sits next to it', () => {
    const snap = new SecretsSnapshot([[ref, { ok: true, value: 'sk-from-ref' }]])
    const r = resolveProviderAuth(
      view({ type: 'api_key', provider: 'anthropic', key: 'sk-stale', keyRef: ref }, snap),
      {
        provider: 'anthropic',
        now: 0,
      },
    )
    expect(r.effective).toMatchObject({ kind: 'profile', profileId: 'anthropic:prod', secret: 'sk-from-ref' })
  })

  it('an unresolved ref means no credential: no env key, no config key, no plaintext', () => {
    const snap = new SecretsSnapshot([[ref, { ok: false, code: 'secret_ref_unresolved', message: 'gone' }]])
    const r = resolveProviderAuth(
      view({ type: 'api_key', provider: 'anthropic', key: 'sk-stale', keyRef: ref }, snap),
      {
        provider: 'anthropic',
        now: 0,
      },
    )
    expect(r.effective).toBeUndefined()
    expect(r.candidates).toEqual([])
    expect(r.error?.message).toContain('anthropic:prod (unresolved_ref)')
  })
})
