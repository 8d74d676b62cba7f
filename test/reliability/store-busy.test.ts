/**
 * B-03: another process holds the store's write lock (BEGIN IMMEDIATE, then parked). A CLI save
 * waits out the busy timeout (5 s), then fails with store_busy: exit 75 (EX_TEMPFAIL, retryable),
 * a message naming the store, the pasted secret nowhere in the output, nothing saved (neither the
 * store row nor the `auth.profiles` entry in openclaw.json); once the holder is gone the same
 * command succeeds. The holder's own uncommitted write is gone with it. The other order of
 * failure, the config lock held after the store write went through, undoes the store write.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
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
    t.writeConfig({ agents: { defaults: { model: 'openai/gpt-4o' } } })
    const configPath = path.join(t.stateDir, 'openclaw.json')
    const configBefore = fs.readFileSync(configPath, 'utf8')
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
    // The store is written first, so its failure leaves openclaw.json untouched (no backup either).
    expect(fs.readFileSync(configPath, 'utf8')).toBe(configBefore)
    expect(fs.existsSync(`${configPath}.bak`)).toBe(false)

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
    expect((t.readConfig().auth as { profiles: Record<string, unknown> }).profiles).toEqual({
      'openai:late': { provider: 'openai', mode: 'api_key' },
    })
    expect(storeHealth(t.storePath())).toEqual(HEALTHY)
  }, 45_000)
})

describe('B-03 config lock held after the store write', () => {
  it('the store write is undone: a new profile is gone, a replaced key is back, exit 75', async () => {
    const t = makeTempHome()
    t.writeConfig({ auth: { profiles: { 'openai:old': { provider: 'openai', mode: 'api_key' } } } })
    const configPath = path.join(t.stateDir, 'openclaw.json')
    const oldKey = canary('sk-proj-')
    expect((await paste(t, 'openai:old', oldKey)).code).toBe(0)
    const configBefore = fs.readFileSync(configPath, 'utf8')
    // A live holder on this host (this test process), so the CLI waits its 5 s and gives up.
    const lock = `${configPath}.lock`
    fs.writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, host: os.hostname(), createdAt: Date.now(), nonce: 'test' }),
    )
    try {
      const fresh = canary('sk-proj-')
      const replaced = canary('sk-proj-')
      const [rNew, rOld] = [await paste(t, 'openai:new', fresh), await paste(t, 'openai:old', replaced)]
      for (const r of [rNew, rOld]) {
        expect(r.code, r.stderr).toBe(75)
        expect(r.stderr).toContain(
          `config ${configPath} is locked by another openclaw process (pid ${process.pid})`,
        )
        expect(r.stdout).not.toContain('Saved')
      }
      expect(rNew.stderr).toContain(`Nothing was saved: openai:new in ${t.storePath()} is as it was before.`)
      expect(rOld.stderr).toContain(`Nothing was saved: openai:old in ${t.storePath()} is as it was before.`)
      expectNoCanary([rNew.stdout, rNew.stderr, rOld.stdout, rOld.stderr], [fresh, replaced, oldKey])
      const store = CredentialStore.open(t.storePath(), { readonly: true })
      expect(store.getProfile('openai:new')).toBeUndefined()
      expect(store.getProfile('openai:old')?.credential).toEqual({
        type: 'api_key',
        provider: 'openai',
        key: oldKey,
      })
      store.close()
      expect(fs.readFileSync(configPath, 'utf8')).toBe(configBefore)
    } finally {
      fs.rmSync(lock, { force: true })
    }
    expect(storeHealth(t.storePath())).toEqual(HEALTHY)
  }, 45_000)
})
