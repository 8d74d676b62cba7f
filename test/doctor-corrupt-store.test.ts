/**
 * A corrupt credential store is never forgotten: while it is in place doctor gives the fix
 * (`doctor --fix` moves it aside); once moved aside, by doctor or by a write, doctor lists the
 * `.corrupt-*` file with the ids it still holds and how to inspect, salvage or delete it, and
 * `models status` (also under `--check`) notes it on stderr without changing the exit code.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { openRawDatabase } from '../src/store/db.ts'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'

/** Damages one b-tree page other than the profiles table's, so quick_check fails but ids stay readable. */
function corruptOtherTable(file: string): void {
  const db = openRawDatabase(file, { readonly: true })
  const pageSize = db.pragma('page_size', { simple: true }) as number
  const root = (
    db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'order_overrides'").get() as {
      rootpage: number
    }
  ).rootpage
  db.close()
  const buf = fs.readFileSync(file)
  buf.fill(0xa5, (root - 1) * pageSize, root * pageSize)
  fs.writeFileSync(file, buf)
}

describe('corrupt credential stores', () => {
  it('in place: doctor names the fix; --fix moves it aside; then doctor and status keep reporting it', async () => {
    const t = makeTempHome()
    const key = canary('sk-ant-api03-')
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('anthropic:work', { type: 'api_key', provider: 'anthropic', key })
    store.close()
    const file = t.storePath()
    fs.writeFileSync(file, Buffer.alloc(4096, 0x42))
    for (const s of ['-wal', '-shm']) fs.rmSync(file + s, { force: true })

    const before = await t.run(['doctor', '--json'])
    expect(before.code).toBe(1)
    const unreadable = JSON.parse(before.stdout).findings.find(
      (f: { id: string }) => f.id === 'auth.store-unreadable:main',
    )
    expect(unreadable).toMatchObject({
      level: 'error',
      fix: { command: 'openclaw doctor --fix', automatic: true },
    })

    const fix = await t.run(['doctor', '--fix', '--json'])
    const fixed = JSON.parse(fix.stdout)
    expect(fixed.fixed).toEqual([
      expect.stringMatching(/^corrupt-store \(agent main\): moved .* aside to .*\.corrupt-/),
    ])
    const aside = fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.corrupt-'))
    expect(aside).toHaveLength(1)
    const finding = fixed.findings.find((f: { id: string }) => f.id.startsWith('auth.store-corrupt-aside:'))
    expect(finding).toMatchObject({ level: 'warning' })
    expect(finding.title).toContain(`was moved aside on `)
    expect(finding.detail).toContain('sqlite3 -readonly')
    expect(finding.detail).toContain('rm -f')
    expect(fixed.findings.some((f: { id: string }) => f.id === 'auth.store-unreadable:main')).toBe(false)

    // Reported again on every later run, not only the first.
    const again = await t.run(['doctor'])
    expect(again.stdout).toContain('A corrupt credential store of agent main was moved aside')
    const check = await t.run(['models', 'status', '--check'], {
      env: { ANTHROPIC_API_KEY: canary('sk-ant-api03-') },
    })
    expect(check.code).toBe(0)
    expect(check.stderr).toContain(
      `note: a corrupt credential store was moved aside to ${path.join(path.dirname(file), aside[0]!)}`,
    )
    const json = JSON.parse((await t.run(['models', 'status', '--json'])).stdout)
    expect(json.auth.corruptStores).toEqual([
      expect.objectContaining({ path: path.join(path.dirname(file), aside[0]!) }),
    ])
    expectNoCanary([before.stdout, fix.stdout, again.stdout, check.stdout, check.stderr], [key])
  })

  it('moved aside by a write: doctor lists the profile ids still readable in it', async () => {
    const t = makeTempHome()
    const key = canary('sk-ant-api03-')
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('anthropic:old', { type: 'api_key', provider: 'anthropic', key })
    store.close()
    // Checkpointed main file (the WAL is folded in on close); damage later pages only.
    corruptOtherTable(t.storePath())
    const paste = await t.run(['models', 'auth', 'paste-api-key', '--provider', 'anthropic'], {
      stdin: `${canary('sk-ant-api03-')}\n`,
    })
    expect(paste.stderr).toContain('moved aside to')
    expect(paste.stderr).toContain('run: openclaw doctor')
    const doctor = JSON.parse((await t.run(['doctor', '--json'])).stdout)
    const f = doctor.findings.find((x: { id: string }) => x.id.startsWith('auth.store-corrupt-aside:'))
    expect(f, JSON.stringify(doctor.findings)).toBeDefined()
    expect(f.detail).toContain('Still readable in it: anthropic:old (api_key)')
    expectNoCanary([JSON.stringify(doctor)], [key])
  })
})
