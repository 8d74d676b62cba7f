/**
 * `models auth list` tells what `models status` tells: an OAuth profile whose refresh token was
 * refused is expired with the login command (not "expires in 29h"), model-scoped cooldowns and
 * disables show with their reason and the clear-cooldown command, and a pending legacy
 * migration is an error pointing at `doctor --fix`, never a silent "No auth profiles found.".
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { recordFailure } from '../src/auth/cooldown.ts'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'

const HOUR = 3_600_000

describe('models auth list agrees with models status', () => {
  it('re-auth required, per-model cooldowns and disables: status column, recovery lines and JSON', async () => {
    const t = makeTempHome()
    const secrets = [canary('at-'), canary('rt-'), canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    const store = CredentialStore.open(t.storePath())
    const dead = store.upsertProfile('openai:dead', {
      type: 'oauth',
      provider: 'openai',
      access: secrets[0],
      refresh: secrets[1],
      expires: Date.now() + 29 * HOUR + 30 * 60_000,
      email: 'u@example.com',
    })
    store.setOAuthRefreshMarker('openai:dead', {
      generation: dead.generation,
      status: 'reauth_required',
      reason: 'invalid_grant',
      message: 'invalid_grant',
      failures: 1,
      failedAt: Date.now(),
    })
    store.upsertProfile('anthropic:scoped', { type: 'api_key', provider: 'anthropic', key: secrets[2] })
    store.upsertProfile('anthropic:broke', { type: 'api_key', provider: 'anthropic', key: secrets[3] })
    const now = Date.now()
    store.updateState('anthropic:scoped', (s) =>
      recordFailure(s, { reason: 'rate_limit', model: 'claude-x', now, retryAfterMs: 4 * 60_000 }),
    )
    store.updateState('anthropic:broke', (s) => recordFailure(s, { reason: 'billing', now }))
    store.close()

    const table = await t.run(['models', 'auth', 'list'])
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(
      /openai:dead\s+openai\s+oauth\s+oauth\s+u@example.com\s+expired \(re-auth required\)/,
    )
    expect(table.stdout).not.toMatch(/openai:dead.*expires in/)
    expect(table.stdout).toMatch(/anthropic:scoped .*\bok; cooldown [34]m for claude-x \(rate_limit\)/)
    expect(table.stdout).toMatch(/anthropic:broke .*\bdisabled [89]m \(billing\)/)
    expect(table.stdout).toContain(
      '- openai:dead: re-auth required (invalid_grant); run: openclaw models auth login --provider openai',
    )
    expect(table.stdout).toMatch(
      /- anthropic:scoped: cooling down \(rate_limit, model claude-x\), [34]m left; waits out automatically; to retry now run: openclaw models auth clear-cooldown anthropic:scoped/,
    )
    expect(table.stdout).toContain(
      'run: openclaw models auth clear-cooldown anthropic:broke (or switch provider)',
    )

    const json = JSON.parse((await t.run(['models', 'auth', 'list', '--json'])).stdout)
    const byId = (id: string) => json.profiles.find((p: { id: string }) => p.id === id)
    expect(byId('openai:dead')).toMatchObject({
      status: 'expired (re-auth required)',
      reauth: { reason: 'invalid_grant', command: 'openclaw models auth login --provider openai' },
    })
    expect(byId('anthropic:scoped').unavailable).toEqual([
      expect.objectContaining({ kind: 'cooldown', reason: 'rate_limit', model: 'claude-x' }),
    ])
    expect(byId('anthropic:broke').unavailable).toEqual([
      expect.objectContaining({ kind: 'disabled', reason: 'billing', model: '*' }),
    ])

    // The same verdict as models status.
    const status = JSON.parse((await t.run(['models', 'status', '--json'])).stdout)
    expect(
      status.auth.oauth.profiles.find((r: { profileId: string }) => r.profileId === 'openai:dead').status,
    ).toBe('expired')
    expectNoCanary([table.stdout, table.stderr, JSON.stringify(json)], secrets)
  })

  it('a pending legacy migration: list exits 1 with AUTH_PROFILE_MIGRATION_REQUIRED and the doctor --fix command', async () => {
    const t = makeTempHome()
    const agentDir = path.dirname(t.storePath())
    fs.mkdirSync(agentDir, { recursive: true, mode: 0o700 })
    const key = canary('sk-ant-api03-')
    fs.writeFileSync(
      path.join(agentDir, 'auth-profiles.json'),
      JSON.stringify({
        version: 1,
        profiles: { 'anthropic:old': { type: 'api_key', provider: 'anthropic', key } },
      }),
      { mode: 0o600 },
    )
    const table = await t.run(['models', 'auth', 'list'])
    expect(table.code).toBe(1)
    expect(table.stdout).toBe(
      'No auth profiles found: legacy auth files wait for import (openclaw doctor --fix).\n',
    )
    expect(table.stderr).toContain('AUTH_PROFILE_MIGRATION_REQUIRED')
    expect(table.stderr).toContain('fix: openclaw doctor --fix')
    const json = await t.run(['models', 'auth', 'list', '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      profiles: [],
      migrationRequired: { code: 'AUTH_PROFILE_MIGRATION_REQUIRED', fix: 'openclaw doctor --fix' },
    })
    const fix = await t.run(['doctor', '--fix'])
    expect(fix.code, fix.stderr).toBe(0)
    const after = await t.run(['models', 'auth', 'list'])
    expect(after.code).toBe(0)
    expect(after.stdout).toContain('anthropic:old')
    expectNoCanary([table.stdout, table.stderr, json.stdout, after.stdout], [key])
  })
})
