import { afterEach, describe, expect, it } from 'vitest'
import { CredentialStore } from './credential-store.ts'
import { openRawDatabase } from './db.ts'
import { decodeProfile, decodeState, encodeSecrets, type ProfileRow } from './row-codec.ts'
import { cleanupTempDirs, tempStorePath } from './store.test-support.ts'

afterEach(cleanupTempDirs)

function row(over: Partial<ProfileRow>): ProfileRow {
  return {
    profile_id: 'openai:a',
    provider: 'openai',
    type: 'api_key',
    secret_json: '{}',
    expires: null,
    email: null,
    display_name: null,
    account_id: null,
    metadata_json: null,
    created_at: 1,
    updated_at: 2,
    generation: 3,
    ...over,
  }
}

describe('row codec', () => {
  it('keeps every secret in secret_json and nowhere else', () => {
    const p = tempStorePath()
    const store = CredentialStore.open(p)
    store.upsertProfile('anthropic:me', {
      type: 'oauth',
      provider: 'anthropic',
      access: 'SECRET-ACCESS',
      refresh: 'SECRET-REFRESH',
      clientId: 'SECRET-CLIENT',
      expires: 10,
      accountId: 'acct',
      email: 'me@example.com',
      metadata: { region: 'eu' },
    })
    store.upsertProfile('openai:k', { type: 'api_key', provider: 'openai', key: 'SECRET-KEY' })
    store.close()

    const raw = openRawDatabase(p, { readonly: true })
    const rows = raw.prepare('SELECT * FROM auth_profiles').all() as Record<string, unknown>[]
    raw.close()
    for (const r of rows) {
      const { secret_json, ...rest } = r
      expect(JSON.stringify(rest)).not.toContain('SECRET')
      const keys = Object.keys(JSON.parse(String(secret_json)))
      expect(keys.every((k) => ['access', 'refresh', 'clientId', 'key'].includes(k))).toBe(true)
    }
  })

  it('encodes equal secrets to equal strings regardless of ref key order', () => {
    const a = encodeSecrets({
      type: 'api_key',
      provider: 'x',
      keyRef: { source: 'env', provider: 'p', id: 'I' },
    })
    const b = encodeSecrets({
      type: 'api_key',
      provider: 'x',
      keyRef: { id: 'I', provider: 'p', source: 'env' } as never,
    })
    expect(a).toBe(b)
  })

  it('reads damaged JSON cells as absent instead of failing', () => {
    const profile = decodeProfile(row({ secret_json: '{not json', metadata_json: '[1,2]' }))
    expect(profile.credential).toEqual({ type: 'api_key', provider: 'openai' })
    const withBadRef = decodeProfile(
      row({
        type: 'token',
        secret_json: JSON.stringify({ token: 5, tokenRef: { source: 'nope', id: 'x' } }),
      }),
    )
    expect(withBadRef.credential).toEqual({ type: 'token', provider: 'openai' })

    const state = decodeState(
      {
        profile_id: 'openai:a',
        last_used: null,
        last_good_at: null,
        last_failure_at: null,
        failure_counts_json: '{"rate_limit":2,"bogus":1,"auth":"x"}',
        disabled_until: 5,
        disabled_reason: 'mystery',
        disabled_count: 1,
        disabled_last_failure_at: 1,
      },
      [{ profile_id: 'openai:a', model: 'm', until: 9, reason: 'weird', error_count: 1, last_failure_at: 2 }],
      'openai:a',
    )
    expect(state).toEqual({
      profileId: 'openai:a',
      failureCounts: { rate_limit: 2 },
      cooldowns: [
        { profileId: 'openai:a', model: 'm', until: 9, reason: 'unknown', errorCount: 1, lastFailureAt: 2 },
      ],
    })
  })
})
