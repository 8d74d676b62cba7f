/**
 * B-03: another process holds the store's write lock (BEGIN IMMEDIATE, then parked). A CLI save
 * waits out the busy timeout (5 s), then fails with store_busy: exit 75 (EX_TEMPFAIL, retryable),
 * a message naming the store, the pasted secret nowhere in the output, nothing saved; once the
 * holder is gone the same command succeeds. The holder's own uncommitted write is gone with it.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { DEFAULT_BUSY_TIMEOUT_MS } from '../../src/store/db.ts'
import { canary, expectNoCanary, makeTempHome, type TempHome } from '../support/cli.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { cleanupTempRoots, finish, startWorker } from './harness/workers.ts'

afterAll(cleanupTempRoots)

function paste(t: TempHome, profileId: string, secret: string) {
  return t.run(['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', profileId], {
    stdin: `${secret}\n`,
  })
}

async function holdLock(t: TempHome) {
  const holder = startWorker('kill-point.mjs', ['hold-write', t.storePath(), '40000'])
  await holder.waitForMarker('holding')
  return holder
}

describe('B-03 write lock held by another process', () => {
  it('the CLI waits the busy timeout, fails store_busy (exit 75), saves nothing, and the retry works', async () => {
    const t = makeTempHome()
    CredentialStore.open(t.storePath()).close()
    const holder = await holdLock(t)
    const secret = canary('sk-proj-')
    const started = Date.now()
    const r = await paste(t, 'openai:late', secret)
    const waited = Date.now() - started
    expect(r.code, r.stderr).toBe(75)
    expect(r.stderr).toContain(
      `Credential store ${t.storePath()} is busy: another openclaw process holds the write lock; retry.`,
    )
    expect(waited).toBeGreaterThanOrEqual(DEFAULT_BUSY_TIMEOUT_MS)
    expect(waited).toBeLessThan(DEFAULT_BUSY_TIMEOUT_MS + 20_000)
    expectNoCanary([r.stdout, r.stderr], [secret])
    expect(r.stdout).not.toContain('Saved')

    holder.killGroup('SIGKILL')
    await finish(holder)
    const store = CredentialStore.open(t.storePath(), { readonly: true })
    expect(store.listProfiles()).toEqual([])
    store.close()
    // KNOWN GAP, asserted as it is today so a fix shows up here (docs/reliability.md, B-03):
    // auth-paste writes the config entry before the store row, so the failed save leaves a
    // configured profile with no credential. Intended: no entry (write the store first).
    expect((t.readConfig().auth as { profiles: Record<string, unknown> }).profiles).toEqual({
      'openai:late': { provider: 'openai', mode: 'api_key' },
    })

    const retry = await paste(t, 'openai:late', secret)
    expect(retry.code, retry.stderr).toBe(0)
    expectNoCanary([retry.stdout, retry.stderr], [secret])
    const after = CredentialStore.open(t.storePath(), { readonly: true })
    expect(after.getProfile('openai:late')?.credential).toEqual({
      type: 'api_key',
      provider: 'openai',
      key: secret,
    })
    after.close()
    expect(storeHealth(t.storePath())).toEqual(HEALTHY)
  }, 45_000)
})
