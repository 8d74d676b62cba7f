/**
 * `doctor --fix` for the other legacy sources: an OpenClaw store at our store path, a legacy
 * ~/.clawdbot state dir (offered, imported only with consent), credentials/oauth.json and
 * auth-state.json.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { writeFixture, writeOpenclawStore } from './fixtures/legacy/load.ts'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'

describe('doctor --fix: other legacy sources', () => {
  it('imports an OpenClaw store (its own tables) and keeps the original as .migrated-<ts>', async () => {
    const t = makeTempHome()
    const key = canary('sk-ant-api03-')
    const access = canary('eyJoc')
    writeOpenclawStore(
      t.storePath(),
      {
        version: 1,
        profiles: {
          'anthropic:default': { type: 'api_key', provider: 'anthropic', key },
          'openai:me@example.com': {
            type: 'oauth',
            provider: 'openai',
            access,
            refresh: canary('rt-'),
            expires: 4102444800000,
            email: 'me@example.com',
          },
          'amazon-bedrock:default': { type: 'aws-sdk', provider: 'amazon-bedrock' },
        },
      },
      {
        order: { anthropic: ['anthropic:default'] },
        lastGood: { anthropic: 'anthropic:default' },
        usageStats: { 'anthropic:default': { lastUsed: 1767225600000 } },
      },
    )
    const status = await t.run(['models', 'status'])
    expect(status.code).toBe(1)
    expect(status.stderr).toContain('is an OpenClaw agent store')
    const diag = JSON.parse((await t.run(['doctor', '--json'])).stdout)
    expect(diag.findings.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining(['legacy.openclaw-store:main', 'auth.store-unreadable:main']),
    )

    const fix = await t.run(['doctor', '--fix', '--json'])
    expect(fix.code, fix.stderr).toBe(0)
    const m = JSON.parse(fix.stdout).migrations[0]
    expect(m).toMatchObject({ migration: 'openclaw-store', status: 'imported', orderSet: ['anthropic'] })
    expect(m.imported.sort()).toEqual(['anthropic:default', 'openai:me@example.com'])
    expect(m.archivedTo).toMatch(/openclaw-agent\.sqlite\.migrated-\d{4}-.*Z$/)
    expect(fs.existsSync(m.archivedTo)).toBe(true)
    expect(m.configChanges).toEqual(['auth.profiles.amazon-bedrock:default = { mode: "aws-sdk" }'])
    const list = JSON.parse((await t.run(['models', 'auth', 'list', '--json'])).stdout).profiles
    expect(list.map((r: { id: string }) => r.id).sort()).toEqual([
      'anthropic:default',
      'openai:me@example.com',
    ])
    const store = CredentialStore.open(t.storePath(), { readonly: true })
    expect(store.getOrderOverride('anthropic')).toEqual(['anthropic:default'])
    expect(store.getState('anthropic:default').lastUsed).toBe(1767225600000)
    store.close()
    expect(JSON.parse((await t.run(['doctor', '--fix', '--json'])).stdout).migrations).toEqual([])
    expectNoCanary([status.stderr, fix.stdout, fix.stderr], [key, access])
  })

  it('offers a legacy ~/.clawdbot dir: not imported without consent, imported with --yes', async () => {
    const t = makeTempHome()
    const s = {
      KEY_ANTHROPIC: canary('sk-ant-api03-'),
      TOKEN_ANTHROPIC: canary('sk-ant-oat01-'),
      KEY_OPENAI: canary('sk-proj-'),
    }
    const legacy = path.join(t.home, '.clawdbot')
    writeFixture(
      'auth-profiles.v1.json',
      path.join(legacy, 'agents', 'main', 'agent', 'auth-profiles.json'),
      s,
    )
    const oauthAccess = canary('eyJold')
    fs.mkdirSync(path.join(legacy, 'credentials'), { recursive: true })
    fs.writeFileSync(
      path.join(legacy, 'credentials', 'oauth.json'),
      JSON.stringify({ openrouter: { access: oauthAccess, refresh: canary('rt-'), expires: 4102444800000 } }),
    )
    const diag = JSON.parse((await t.run(['doctor', '--json'])).stdout)
    expect(diag.findings.find((f: { id: string }) => f.id === 'legacy.clawdbot')).toMatchObject({
      level: 'warning',
      fix: { command: 'openclaw doctor --fix --yes', automatic: false },
    })
    // Non-interactive, no --yes: nothing imported, the offer stays.
    const declined = await t.run(['doctor', '--fix', '--json'])
    expect(JSON.parse(declined.stdout).migrations).toEqual([])
    expect(fs.existsSync(t.storePath())).toBe(false)
    const fix = await t.run(['doctor', '--fix', '--yes', '--json'])
    expect(fix.code, fix.stderr).toBe(0)
    const out = JSON.parse(fix.stdout)
    expect(
      out.migrations.map((m: { migration: string; status: string }) => `${m.migration}:${m.status}`),
    ).toEqual(['clawdbot:auth-profiles.json:imported', 'clawdbot:credentials/oauth.json:imported'])
    expect(out.findings.map((f: { id: string }) => f.id)).not.toContain('legacy.clawdbot')
    const list = JSON.parse((await t.run(['models', 'auth', 'list', '--json'])).stdout).profiles
    expect(list.map((r: { id: string }) => r.id).sort()).toEqual([
      'anthropic:personal',
      'anthropic:work',
      'openai:default',
      'openrouter:default',
    ])
    expect(
      fs
        .readdirSync(path.join(legacy, 'agents', 'main', 'agent'))
        .some((f) => f.startsWith('auth-profiles.json.migrated-')),
    ).toBe(true)
    expect(JSON.parse((await t.run(['doctor', '--fix', '--yes', '--json'])).stdout).migrations).toEqual([])
    expectNoCanary([declined.stdout, fix.stdout, fix.stderr], [...Object.values(s), oauthAccess])
  })

  it('credentials/oauth.json goes to the default agent only; auth-state.json adds state to stored profiles', async () => {
    const t = makeTempHome()
    const access = canary('eyJat')
    fs.mkdirSync(path.join(t.stateDir, 'credentials'), { recursive: true })
    fs.writeFileSync(
      path.join(t.stateDir, 'credentials', 'oauth.json'),
      JSON.stringify({
        anthropic: { access, refresh: canary('rt-'), expires: 4102444800000, email: 'x@example.com' },
      }),
      { mode: 0o600 },
    )
    const workDir = path.join(t.stateDir, 'agents', 'work', 'agent')
    fs.mkdirSync(workDir, { recursive: true })
    const key = canary('sk-ant-api03-')
    const work = CredentialStore.open(path.join(workDir, 'openclaw-agent.sqlite'))
    work.upsertProfile('anthropic:w', { type: 'api_key', provider: 'anthropic', key })
    work.close()
    fs.writeFileSync(
      path.join(workDir, 'auth-state.json'),
      JSON.stringify({
        order: { anthropic: ['anthropic:w'] },
        usageStats: { 'anthropic:w': { lastUsed: 1767225600000 }, 'anthropic:unknown': { lastUsed: 1 } },
      }),
    )
    const fix = await t.run(['doctor', '--fix', '--json'])
    expect(fix.code, fix.stderr).toBe(0)
    const ms = JSON.parse(fix.stdout).migrations
    expect(ms.find((m: { migration: string }) => m.migration === 'credentials/oauth.json')).toMatchObject({
      agentId: 'main',
      imported: ['anthropic:default'],
    })
    expect(ms.find((m: { migration: string }) => m.migration === 'auth-state.json')).toMatchObject({
      agentId: 'work',
      orderSet: ['anthropic'],
      stateUpdated: ['anthropic:w'],
    })
    const store = CredentialStore.open(path.join(workDir, 'openclaw-agent.sqlite'), { readonly: true })
    expect(store.getState('anthropic:w').lastUsed).toBe(1767225600000)
    expect(store.getProfile('anthropic:unknown')).toBeUndefined()
    store.close()
    const main = CredentialStore.open(t.storePath(), { readonly: true })
    expect(main.getProfile('anthropic:default')?.credential).toMatchObject({
      type: 'oauth',
      email: 'x@example.com',
    })
    main.close()
    expectNoCanary([fix.stdout, fix.stderr], [access, key])
  })
})
