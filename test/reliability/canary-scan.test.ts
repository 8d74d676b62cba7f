/**
 * Self-test of scripts/canary-scan.mjs on a hand-made registry: it must find a planted secret in
 * every encoding and place the suite could leak it (raw, base64 inside a Basic header, base64url
 * inside a JWT-like token, URL-encoded, a non-secret SQLite column, an undeclared canary in a
 * config file, a non-secret column of an archived OpenClaw store) and must not flag the secret
 * columns, a declared input, its .bak copy, a .env or a legacy OpenClaw credential file.
 * These canaries are local (not canary()), so the run-wide scan never sees them.
 */
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { openRawDatabase } from '../../src/store/db.ts'
import { cleanupTempRoots, REPO_ROOT, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

const SCAN = path.join(REPO_ROOT, 'scripts', 'canary-scan.mjs')
const local = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '')}`

interface Summary {
  hits: number
  details: Array<{ file: string; form: string; context: string }>
}

function scan(dir: string): { code: number | null; summary: Summary; stdout: string } {
  const summaryFile = path.join(dir, 'summary.json')
  const r = spawnSync(process.execPath, [SCAN, '--dir', dir, '--summary', summaryFile], { encoding: 'utf8' })
  return {
    code: r.status,
    summary: JSON.parse(fs.readFileSync(summaryFile, 'utf8')),
    stdout: r.stdout + r.stderr,
  }
}

describe('canary scan', () => {
  it('finds every encoding and place, skips the secret column and declared inputs, redacts its report', () => {
    const dir = tempRoot('canary-registry')
    const state = tempRoot('canary-state')
    const c = {
      raw: local('sk-ant-api03-'),
      basic: local('pw-'),
      jwt: local('tok-'),
      url: local('gw+/=&'),
      column: local('sk-proj-'),
      secretColumn: local('sk-proj-'),
      declared: local('sk-or-v1-'),
      undeclared: local('sk-or-v1-'),
      dotenv: local('sk-ant-api03-'),
      legacy: local('sk-ant-oat01-'),
      foreignStore: local('sk-ant-api03-'),
      foreignState: local('sk-ant-api03-'),
    }
    fs.mkdirSync(path.join(dir, 'planted'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'planted', '1.txt'), `${Object.values(c).join('\n')}\n`)
    fs.mkdirSync(path.join(dir, 'artifacts'))
    const b64url = (s: string) => Buffer.from(s).toString('base64url')
    fs.writeFileSync(
      path.join(dir, 'artifacts', '1-http.txt'),
      [
        `error: upstream said invalid key ${c.raw} (status 401)`,
        `authorization: Basic ${Buffer.from(`user:${c.basic}`).toString('base64')}`,
        `token: ${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ sub: 'x', key: c.jwt }))}.sig`,
        `GET /v1/models?key=${encodeURIComponent(c.url)}`,
      ].join('\n'),
    )
    // A state dir: store with one canary in a non-secret column and one in the secret column.
    const store = CredentialStore.open(path.join(state, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'))
    store.upsertProfile('openai:a', {
      type: 'api_key',
      provider: 'openai',
      key: c.secretColumn,
      displayName: c.column,
    })
    store.close()
    const config = path.join(state, 'openclaw.json')
    fs.writeFileSync(
      config,
      JSON.stringify({ models: { providers: { openrouter: { apiKey: c.declared } } } }),
    )
    fs.copyFileSync(config, `${config}.bak`)
    fs.appendFileSync(config, `\n// ${c.undeclared}\n`)
    fs.writeFileSync(path.join(state, '.env'), `ANTHROPIC_API_KEY=${c.dotenv}\n`)
    // OpenClaw inputs the import tests plant: a legacy file's archive, and an archived OpenClaw
    // store whose secret column is allowed but whose other columns are not.
    const agentDir = path.join(state, 'agents', 'main', 'agent')
    fs.writeFileSync(
      path.join(agentDir, 'auth-profiles.json.migrated-2026'),
      JSON.stringify({ token: c.legacy }),
    )
    const foreign = openRawDatabase(path.join(agentDir, 'openclaw-agent.sqlite.migrated-2026'))
    foreign.exec(
      'CREATE TABLE auth_profile_store (store_key TEXT, store_json TEXT); CREATE TABLE auth_profile_state (state_key TEXT, state_json TEXT)',
    )
    foreign
      .prepare('INSERT INTO auth_profile_store VALUES (?, ?)')
      .run('primary', JSON.stringify({ key: c.foreignStore }))
    foreign
      .prepare('INSERT INTO auth_profile_state VALUES (?, ?)')
      .run('primary', JSON.stringify({ note: c.foreignState }))
    foreign.close()
    fs.mkdirSync(path.join(dir, 'state-dirs'))
    fs.writeFileSync(path.join(dir, 'state-dirs', '1.txt'), `${state}\n`)
    fs.mkdirSync(path.join(dir, 'inputs'))
    fs.writeFileSync(
      path.join(dir, 'inputs', '1.txt'),
      `${JSON.stringify({ path: config, canaries: [c.declared] })}\n`,
    )

    const r = scan(dir)
    expect(r.code).toBe(1)
    // "<form> <file name>[ [table.column]]" for each hit.
    const byForm = r.summary.details.map((h) => {
      const [file, column] = h.file.split(' [')
      return `${h.form} ${path.basename(file ?? '')}${column ? ` [${column}` : ''}`
    })
    expect(byForm.sort()).toEqual(
      [
        'raw 1-http.txt', // c.raw
        'base64 1-http.txt', // c.basic
        'base64 1-http.txt', // c.jwt
        'raw 1-http.txt', // c.url: encodeURIComponent keeps the random tail
        'raw openclaw-agent.sqlite [auth_profiles.display_name]',
        'raw openclaw-agent.sqlite.migrated-2026 [auth_profile_state.state_json]',
        'raw openclaw.json', // c.undeclared
      ].sort(),
    )
    const report = r.stdout + JSON.stringify(r.summary)
    for (const secret of Object.values(c)) expect(report).not.toContain(secret.slice(-32))
    expect(report).not.toContain(Buffer.from(`user:${c.basic}`).toString('base64').slice(4, 40))
    expect(report).not.toContain(b64url(JSON.stringify({ sub: 'x', key: c.jwt })).slice(4, 40))
    expect(r.summary.details.every((h) => !h.file.endsWith('.bak') && !h.file.endsWith('.env'))).toBe(true)

    // Declared, secret-column and .env canaries alone: clean.
    fs.writeFileSync(path.join(dir, 'artifacts', '1-http.txt'), 'nothing to see')
    fs.writeFileSync(
      config,
      JSON.stringify({ models: { providers: { openrouter: { apiKey: c.declared } } } }),
    )
    dropDisplayName(state)
    const cleanForeign = openRawDatabase(path.join(agentDir, 'openclaw-agent.sqlite.migrated-2026'))
    cleanForeign.exec('DELETE FROM auth_profile_state')
    cleanForeign.close()
    const again = scan(dir)
    expect(again.summary.details).toEqual([])
    expect(again.code).toBe(0)
  })
})

function dropDisplayName(state: string): void {
  const store = CredentialStore.open(path.join(state, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'))
  const p = store.getProfile('openai:a')
  if (p?.credential.type !== 'api_key') throw new Error('fixture profile missing')
  store.upsertProfile('openai:a', { type: 'api_key', provider: 'openai', key: p.credential.key ?? '' })
  store.close()
}
