/**
 * Seed 004 (German) keeps the daemon's key in `~/.clawdbot/.env`. The runtime does not read the
 * legacy dir (DECISIONS section 2): `models status` says where the key is, doctor offers the
 * import, and `doctor --fix --yes` appends it to `~/.openclaw/.env` (0600) without overwriting
 * what is there, verifies, and archives the source.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'

describe('~/.clawdbot/.env (seed 004)', () => {
  it('status hints at doctor; doctor --fix --yes imports the key into ~/.openclaw/.env and archives the source', async () => {
    const t = makeTempHome()
    const key = canary('sk-ant-api03-')
    const legacyDir = path.join(t.home, '.clawdbot')
    fs.mkdirSync(legacyDir, { mode: 0o700 })
    // Exactly what the seed's `cat >> ~/.clawdbot/.env <<'EOF'` leaves behind.
    fs.writeFileSync(path.join(legacyDir, '.env'), `ANTHROPIC_API_KEY=${key}\n`)
    const outputs: string[] = []
    const run = async (args: string[]) => {
      const r = await t.run(args)
      outputs.push(r.stdout, r.stderr)
      return r
    }

    const before = await run(['models', 'status'])
    expect(before.code).toBe(0)
    expect(before.stdout).toContain('no providers configured and no credentials found')
    expect(before.stderr).toContain(`${legacyDir}/.env (the legacy state dir) sets ANTHROPIC_API_KEY`)
    expect(before.stderr).toContain('fix: openclaw doctor --fix --yes')

    const diag = JSON.parse((await run(['doctor', '--json'])).stdout)
    const finding = diag.findings.find((f: { id: string }) => f.id === 'legacy.clawdbot')
    expect(finding).toMatchObject({ level: 'warning', fix: { command: 'openclaw doctor --fix --yes' } })
    expect(finding.detail).toContain(`${legacyDir}/.env sets ANTHROPIC_API_KEY; openclaw does not read it`)

    // Without consent nothing is imported (non-interactive, no --yes).
    const declined = JSON.parse((await run(['doctor', '--fix', '--non-interactive', '--json'])).stdout)
    expect(declined.migrations.map((m: { migration: string }) => m.migration)).not.toContain('clawdbot:.env')
    expect(fs.existsSync(path.join(t.stateDir, '.env'))).toBe(false)

    const fix = await run(['doctor', '--fix', '--yes', '--json'])
    expect(fix.code, fix.stderr).toBe(0)
    const m = JSON.parse(fix.stdout).migrations.find(
      (x: { migration: string }) => x.migration === 'clawdbot:.env',
    )
    expect(m).toMatchObject({
      status: 'imported',
      imported: ['ANTHROPIC_API_KEY'],
      conflicts: [],
      rejected: [],
    })
    expect(m.archivedTo).toMatch(/\.clawdbot\/\.env\.migrated-\d{4}-\d\d-\d\dT[\d-]+Z$/)
    expect(fs.existsSync(path.join(legacyDir, '.env'))).toBe(false)
    const target = path.join(t.stateDir, '.env')
    expect(fs.statSync(target).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(target, 'utf8')).toContain(`ANTHROPIC_API_KEY=${key}\n`)

    const after = await run(['models', 'status', '--json'])
    expect(after.stderr).not.toContain('hint:')
    const anthropic = JSON.parse(after.stdout).auth.providers.find(
      (p: { provider: string }) => p.provider === 'anthropic',
    )
    expect(anthropic.effective).toEqual({ kind: 'env', detail: 'env: ANTHROPIC_API_KEY' })

    const again = JSON.parse((await run(['doctor', '--fix', '--yes', '--json'])).stdout)
    expect(again.migrations).toEqual([])
    expectNoCanary(outputs, [key])
  })

  it('entries already in ~/.openclaw/.env win: a different value is a conflict and the source is kept', async () => {
    const t = makeTempHome()
    const [legacyKey, currentKey, newKey] = [canary('sk-proj-'), canary('sk-proj-'), canary('sk-or-v1-')]
    const legacyDir = path.join(t.home, '.clawdbot')
    fs.mkdirSync(legacyDir, { mode: 0o700 })
    fs.writeFileSync(
      path.join(legacyDir, '.env'),
      `OPENAI_API_KEY=${legacyKey}\nexport OPENROUTER_API_KEY="${newKey}"\n`,
    )
    fs.mkdirSync(t.stateDir, { mode: 0o700 })
    const target = path.join(t.stateDir, '.env')
    fs.writeFileSync(target, `# mine\nOPENAI_API_KEY=${currentKey}`, { mode: 0o600 })
    const fix = await t.run(['doctor', '--fix', '--yes', '--json'])
    expect(fix.code, fix.stderr).toBe(0)
    const m = JSON.parse(fix.stdout).migrations.find(
      (x: { migration: string }) => x.migration === 'clawdbot:.env',
    )
    expect(m).toMatchObject({
      status: 'conflict',
      imported: ['OPENROUTER_API_KEY'],
      conflicts: [{ id: 'OPENAI_API_KEY', reason: `already set in ${target} to another value; kept` }],
    })
    expect(m.archivedTo).toBeUndefined()
    expect(fs.existsSync(path.join(legacyDir, '.env'))).toBe(true)
    const text = fs.readFileSync(target, 'utf8')
    expect(text.startsWith(`# mine\nOPENAI_API_KEY=${currentKey}\n`)).toBe(true)
    expect(text).toContain(`OPENROUTER_API_KEY=${newKey}\n`)
    expect(text).not.toContain(legacyKey)
    // A rerun imports nothing twice.
    const again = JSON.parse((await t.run(['doctor', '--fix', '--yes', '--json'])).stdout)
    const m2 = again.migrations.find((x: { migration: string }) => x.migration === 'clawdbot:.env')
    expect(m2).toMatchObject({ status: 'conflict', imported: [], identical: ['OPENROUTER_API_KEY'] })
    expect(fs.readFileSync(target, 'utf8')).toBe(text)
    expectNoCanary([fix.stdout, fix.stderr, JSON.stringify(again)], [legacyKey, currentKey, newKey])
  })
})
