/**
 * B-07 on a read-only filesystem (a read-only bind mount of the state dir in a private mount
 * namespace, so EROFS even for root). The chmod-0500 variants are test/store-readonly-dir.test.ts
 * (as an unprivileged uid) and src/store/db.test.ts. Reads work through the real CLI; a write
 * fails with a clear "state dir not writable" error and a non-zero exit, never a crash or a loop.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { canary, expectNoCanary, makeTempHome, recordArtifact } from '../support/cli.ts'
import { canUnshareMounts, cleanupTempRoots, finish, startWorker } from './harness/workers.ts'

afterAll(cleanupTempRoots)

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

describe('B-07 read-only filesystem', () => {
  it.runIf(canUnshareMounts())(
    'status and list work; a save fails naming the dir; nothing crashes',
    async () => {
      const t = makeTempHome()
      const stored = canary('sk-proj-')
      const paste = await t.run(
        ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:a'],
        {
          stdin: `${stored}\n`,
        },
      )
      expect(paste.code, paste.stderr).toBe(0)
      const fresh = canary('sk-proj-')
      const remount = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"'
      const w = startWorker('readonly-fs.mjs', [t.home, t.stateDir, t.storePath(), fresh], {
        wrapper: ['unshare', '-rm', 'sh', '-c', remount, t.stateDir],
      })
      const exit = await finish(w, 40_000)
      expect(exit.code, w.stderr).toBe(0)
      const r = w.result<{
        status: Run
        list: Run
        paste: Run
        write: { code?: string; message?: string }
        read: string[]
      }>()
      if (!r) throw new Error(`no result: ${w.stderr}`)
      for (const [name, run] of Object.entries({ status: r.status, list: r.list, paste: r.paste })) {
        recordArtifact(`b07-${name}`, { stdout: run.stdout, stderr: run.stderr })
      }
      expect(r.status.code, r.status.stderr).toBe(0)
      expect(JSON.parse(r.status.stdout).auth.providers).toEqual(
        expect.arrayContaining([expect.objectContaining({ provider: 'openai' })]),
      )
      expect(r.list.code, r.list.stderr).toBe(0)
      expect(JSON.stringify(JSON.parse(r.list.stdout))).toContain('openai:a')
      expect(r.paste.code).toBe(1)
      expect(r.paste.stderr).toMatch(/read-only|not writable/)
      expect(r.paste.stderr).toContain(t.stateDir)
      expect(r.write.code).toBe('store_readonly')
      expect(r.write.message).toContain(`state dir not writable: ${t.stateDir}/agents/main/agent`)
      expect(r.read).toEqual(['openai:a'])
      expectNoCanary(
        [r.status, r.list, r.paste].flatMap((x) => [x.stdout, x.stderr]),
        [stored, fresh],
      )
      const after = CredentialStore.open(t.storePath(), { readonly: true })
      expect(after.listProfiles().map((p) => p.id)).toEqual(['openai:a'])
      after.close()
    },
    45_000,
  )
})
