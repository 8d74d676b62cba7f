import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkMigrationGuard, findLegacyAuthFiles, migrationGuardError } from './legacy-detect.ts'

function dirs() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-detect-'))
  const agentDir = path.join(stateDir, 'agents', 'main', 'agent')
  fs.mkdirSync(agentDir, { recursive: true })
  return { stateDir, agentDir }
}

describe('migration guard', () => {
  const bearing = [{ path: '/a/auth-profiles.json', kind: 'auth-profiles' as const, credentialBearing: true }]

  it('fails closed with AUTH_PROFILE_MIGRATION_REQUIRED when the store is empty', () => {
    const e = migrationGuardError('main', 0, bearing)
    expect(e?.code).toBe('auth_profile_migration_required')
    expect(e?.message).toMatch(/^AUTH_PROFILE_MIGRATION_REQUIRED: agent "main"/)
    expect(e?.hint).toBe('Run: openclaw doctor --fix')
    expect(e?.httpStatus).toBe(503)
    expect(e?.details).toMatchObject({
      code: 'AUTH_PROFILE_MIGRATION_REQUIRED',
      command: 'openclaw doctor --fix',
    })
  })

  it('a populated store wins; state-only or empty files never block', () => {
    expect(migrationGuardError('main', 1, bearing)).toBeUndefined()
    expect(
      migrationGuardError('main', 0, [
        { path: '/a/auth-state.json', kind: 'auth-state', credentialBearing: false },
      ]),
    ).toBeUndefined()
  })

  it('finds credential-bearing files on disk; oauth.json only for the default agent', () => {
    const { stateDir, agentDir } = dirs()
    fs.writeFileSync(path.join(agentDir, 'auth-profiles.json'), '{"version":1,"profiles":{}}')
    fs.writeFileSync(path.join(agentDir, 'auth-state.json'), '{"order":{}}')
    fs.mkdirSync(path.join(stateDir, 'credentials'))
    fs.writeFileSync(
      path.join(stateDir, 'credentials', 'oauth.json'),
      '{"anthropic":{"access":"a","refresh":"r"}}',
    )
    expect(checkMigrationGuard('work', 0, { agentDir, stateDir, isDefaultAgent: false })).toBeUndefined()
    expect(checkMigrationGuard('main', 0, { agentDir, stateDir, isDefaultAgent: true })?.message).toContain(
      'oauth.json',
    )
    fs.writeFileSync(path.join(agentDir, 'auth.json'), 'not json at all')
    const files = findLegacyAuthFiles({ agentDir, stateDir, isDefaultAgent: false })
    expect(files.map((f) => [path.basename(f.path), f.credentialBearing])).toEqual([
      ['auth-profiles.json', false],
      ['auth.json', true],
      ['auth-state.json', false],
    ])
  })

  it('an interrupted OpenClaw-store import (.migrating-*) counts as pending credentials', () => {
    const { stateDir, agentDir } = dirs()
    fs.writeFileSync(path.join(agentDir, 'openclaw-agent.sqlite.migrating-2026-01-01T00-00-00-000Z'), '')
    fs.writeFileSync(path.join(agentDir, 'openclaw-agent.sqlite.migrating-2026-01-01T00-00-00-000Z-wal'), '')
    const files = findLegacyAuthFiles({ agentDir, stateDir, isDefaultAgent: true })
    expect(files).toEqual([
      expect.objectContaining({ kind: 'openclaw-store-pending', credentialBearing: true }),
    ])
  })
})

describe('agentMigrationGuard (gateway entry point)', () => {
  it('checks the agent and the default agent it reads through to', async () => {
    const { agentMigrationGuard } = await import('./gateway-guard.ts')
    const { stateDir, agentDir } = dirs()
    fs.writeFileSync(path.join(agentDir, 'auth.json'), '{"anthropic":{"apiKey":"sk-a"}}')
    const workDir = path.join(stateDir, 'agents', 'work', 'agent')
    fs.mkdirSync(workDir, { recursive: true })
    const base = { stateDir, defaultAgentId: 'main' }
    expect(
      agentMigrationGuard({ ...base, agentId: 'main', agentDir, ownProfileCount: 0 })?.details?.code,
    ).toBe('AUTH_PROFILE_MIGRATION_REQUIRED')
    expect(
      agentMigrationGuard({
        ...base,
        agentId: 'work',
        agentDir: workDir,
        ownProfileCount: 0,
        parentProfileCount: 0,
      })?.message,
    ).toContain('agent "main"')
    expect(
      agentMigrationGuard({
        ...base,
        agentId: 'work',
        agentDir: workDir,
        ownProfileCount: 0,
        parentProfileCount: 2,
      }),
    ).toBeUndefined()
    expect(agentMigrationGuard({ ...base, agentId: 'main', agentDir, ownProfileCount: 1 })).toBeUndefined()
  })
})
