import { afterEach, describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import { CredentialStore } from '../store/credential-store.ts'
import { apiKey, cleanupTempDirs, tempStorePath } from '../store/store.test-support.ts'
import { saveProfileThenConfig } from './save-profile.ts'
import { WHOLE_PROFILE } from './types.ts'

afterEach(cleanupTempDirs)

const configFails = () => {
  throw new OpenclawError('config_write_failed', 'Cannot write config /x/openclaw.json: EROFS', {
    hint: 'Check that the directory is writable by you.',
  })
}

function caught(fn: () => unknown): OpenclawError {
  try {
    fn()
  } catch (err) {
    if (OpenclawError.isInstance(err)) return err
    throw err
  }
  throw new Error('expected an OpenclawError')
}

describe('saveProfileThenConfig', () => {
  it('a store failure happens before the config is touched', () => {
    const store = CredentialStore.open(tempStorePath())
    let configWrites = 0
    const err = caught(() =>
      saveProfileThenConfig(
        store,
        'openai:a',
        () => {
          throw new OpenclawError('store_busy', 'busy')
        },
        () => configWrites++,
      ),
    )
    expect(err.code).toBe('store_busy')
    expect(configWrites).toBe(0)
    store.close()
  })

  it('a config failure removes a new profile again and says nothing was saved', () => {
    const store = CredentialStore.open(tempStorePath())
    const err = caught(() =>
      saveProfileThenConfig(
        store,
        'openai:a',
        () => store.upsertProfile('openai:a', apiKey('openai', 'sk-new')),
        configFails,
      ),
    )
    expect(err.code).toBe('config_write_failed')
    expect(err.hint).toBe('Check that the directory is writable by you.')
    expect(err.message).toBe(
      `Cannot write config /x/openclaw.json: EROFS\nNothing was saved: openai:a in ${store.path} is as it was before.`,
    )
    expect(store.getProfile('openai:a')).toBeUndefined()
    expect(store.listStates().size).toBe(0)
    store.close()
  })

  it('a config failure puts back the replaced credential with its cooldowns, disable and refresh marker', () => {
    let now = 1_000
    const store = CredentialStore.open(tempStorePath(), { clock: () => now })
    store.upsertProfile('openai:a', apiKey('openai', 'sk-old'))
    store.updateState('openai:a', (s) => ({
      ...s,
      lastUsed: 900,
      failureCounts: { billing: 2 },
      disabled: { until: 50_000, reason: 'billing', count: 1, lastFailureAt: 800 },
      cooldowns: [
        {
          profileId: 'openai:a',
          model: WHOLE_PROFILE,
          until: 40_000,
          reason: 'rate_limit',
          errorCount: 3,
          lastFailureAt: 700,
        },
      ],
    }))
    const gen = store.getProfile('openai:a')!.generation
    store.setOAuthRefreshMarker('openai:a', {
      generation: gen,
      status: 'backoff',
      reason: 'network',
      message: 'm',
      failures: 1,
      failedAt: 600,
      retryAt: 9_000,
    })
    store.setOrderOverride('openai', ['openai:a', 'openai:b'])
    const before = { profile: store.getProfile('openai:a')!, state: store.getState('openai:a') }
    now = 2_000

    caught(() =>
      saveProfileThenConfig(
        store,
        'openai:a',
        () =>
          store.batch(() => {
            store.upsertProfile('openai:a', apiKey('openai', 'sk-new'))
            store.clearOAuthRefreshMarker('openai:a')
          }),
        configFails,
      ),
    )
    const after = store.getProfile('openai:a')!
    expect(after.credential).toEqual(apiKey('openai', 'sk-old'))
    expect(after.createdAt).toBe(before.profile.createdAt)
    expect(after.updatedAt).toBe(before.profile.updatedAt)
    // Forward, never back: a refresher holding the undone generation must not match it.
    expect(after.generation).toBe(gen + 2)
    expect(store.getState('openai:a')).toEqual({
      ...before.state,
      oauthRefresh: { ...before.state.oauthRefresh!, generation: gen + 2 },
    })
    expect(store.getOrderOverride('openai')).toEqual(['openai:a', 'openai:b'])
    store.close()
  })

  it('when the undo fails too, the error says which credential the store keeps', () => {
    const store = CredentialStore.open(tempStorePath())
    const err = caught(() =>
      saveProfileThenConfig(
        store,
        'openai:a',
        () => {
          store.upsertProfile('openai:a', apiKey('openai', 'sk-new'))
          store.close()
        },
        configFails,
      ),
    )
    expect(err.code).toBe('config_write_failed')
    expect(err.message).toContain('Undoing the store write failed too')
    expect(err.message).toContain(`${store.path} keeps openai:a, but openclaw.json does not list it.`)
    expect(err.hint).toContain('openclaw models auth logout openai:a')
  })

  it('a success returns the config result and keeps the credential', () => {
    const store = CredentialStore.open(tempStorePath())
    const r = saveProfileThenConfig(
      store,
      'openai:a',
      () => store.upsertProfile('openai:a', apiKey('openai', 'sk-new')),
      () => 'written',
    )
    expect(r).toBe('written')
    expect(store.getProfile('openai:a')?.credential).toEqual(apiKey('openai', 'sk-new'))
    store.close()
  })
})
