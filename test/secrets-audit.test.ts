/**
 * `openclaw secrets audit` and `openclaw secrets reload` through the real binary: findings,
 * the --check exit codes (0 clean, 1 findings, 2 unresolved), exec refs only with
 * --allow-exec, and a canary scan of every output.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { makeProviderDir } from './fixtures/secret-providers/install.ts'
import { type CliResult, canary, expectNoCanary, makeTempHome, type TempHome } from './support/cli.ts'

/** A loopback port nobody listens on, so "no gateway reachable" is deterministic. */
async function closedPort(): Promise<string> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const { port } = srv.address() as net.AddressInfo
  await new Promise<void>((r) => srv.close(() => r()))
  return String(port)
}

interface World {
  t: TempHome
  secretsFile: string
  hangCommand: string
  secrets: string[]
  outputs: CliResult[]
  env: Record<string, string>
}

async function world(): Promise<World> {
  const t = makeTempHome()
  fs.mkdirSync(t.home, { recursive: true })
  const p = makeProviderDir(t.home)
  const fileKey = canary('sk-ant-api03-')
  const secretsFile = p.file('secrets.json', JSON.stringify({ anthropic: fileKey }))
  const hangCommand = p.install('hang.mjs')
  return {
    t,
    secretsFile,
    hangCommand,
    secrets: [fileKey],
    outputs: [],
    env: { OPENCLAW_GATEWAY_PORT: await closedPort() },
  }
}

async function run(w: World, args: string[], cwd?: string): Promise<CliResult> {
  const r = await w.t.run(args, { env: w.env, ...(cwd ? { cwd } : {}) })
  w.outputs.push(r)
  return r
}

function scan(w: World): void {
  expectNoCanary(
    w.outputs.flatMap((r) => [r.stdout, r.stderr]),
    w.secrets,
  )
}

describe('openclaw secrets audit', () => {
  it('a setup with only resolvable refs is clean (exit 0 with --check)', async () => {
    const w = await world()
    w.t.writeConfig({
      secrets: { providers: { local: { source: 'file', path: w.secretsFile } } },
      models: {
        providers: { anthropic: { apiKey: { source: 'file', provider: 'local', id: 'anthropic' } } },
      },
    })
    const r = await run(w, ['secrets', 'audit', '--check'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toContain('secrets audit: clean (1 ref(s) resolved)')
    scan(w)
  })

  it('finds plaintext in the store, config and .env files, shadowed and unresolved refs; --check exits 2', async () => {
    const w = await world()
    const cfgKey = canary('sk-or-v1-')
    const gwToken = canary('gw-')
    const stateEnvKey = canary('sk-ant-api03-')
    const cwdEnvKey = canary('sk-proj-')
    const storedKey = canary('sk-ant-api03-')
    const shadowKey = canary('sk-proj-')
    w.secrets.push(cfgKey, gwToken, stateEnvKey, cwdEnvKey, storedKey, shadowKey)
    w.t.writeConfig({
      secrets: {
        providers: {
          local: { source: 'file', path: w.secretsFile },
          vault: { source: 'exec', command: w.hangCommand, timeoutMs: 300 },
        },
      },
      models: {
        providers: {
          openrouter: { apiKey: cfgKey },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a config `${VAR}` reference, not a template
          groq: { apiKey: '${GROQ_API_KEY}' },
          anthropic: { apiKey: { source: 'file', provider: 'local', id: 'anthropic' } },
        },
      },
      gateway: { auth: { mode: 'token', token: gwToken } },
    })
    fs.writeFileSync(
      path.join(w.t.stateDir, '.env'),
      `ANTHROPIC_API_KEY=${stateEnvKey}\nGROQ_API_KEY=\nLOG_LEVEL=debug\n`,
    )
    const workspace = fs.mkdtempSync(path.join(w.t.home, 'ws-'))
    fs.writeFileSync(path.join(workspace, '.env'), `OPENAI_API_KEY=${cwdEnvKey}\n`)
    w.env.GROQ_API_KEY = 'set-for-substitution'
    const store = CredentialStore.open(w.t.storePath())
    store.upsertProfile('anthropic:pasted', { type: 'api_key', provider: 'anthropic', key: storedKey })
    store.upsertProfile('openai:both', {
      type: 'api_key',
      provider: 'openai',
      key: shadowKey,
      keyRef: { source: 'file', provider: 'local', id: '/missing' },
    })
    store.upsertProfile('openai:vault', {
      type: 'api_key',
      provider: 'openai',
      keyRef: { source: 'exec', provider: 'vault', id: 'openai/key' },
    })
    store.close()

    const r = await run(w, ['secrets', 'audit', '--check', '--json'], workspace)
    expect(r.code, r.stderr).toBe(2)
    const report = JSON.parse(r.stdout)
    const codes = report.findings.map((f: { code: string; location: string }) => `${f.code} ${f.location}`)
    expect(codes).toEqual([
      'PLAINTEXT_FOUND profile anthropic:pasted (agent main)',
      'REF_SHADOWED profile openai:both (agent main)',
      'PLAINTEXT_FOUND models.providers.openrouter.apiKey',
      'REF_SHADOWED models.providers.anthropic.apiKey',
      'PLAINTEXT_FOUND gateway.auth.token',
      'PLAINTEXT_FOUND ANTHROPIC_API_KEY',
      'PLAINTEXT_FOUND OPENAI_API_KEY',
      'REF_UNRESOLVED profile openai:both (keyRef, agent main)',
      'REF_NOT_CHECKED profile openai:vault (keyRef, agent main)',
    ])
    expect(report.status).toBe('unresolved')
    expect(report.summary).toEqual({
      plaintext: 5,
      shadowed: 2,
      unresolved: 1,
      notChecked: 1,
      refsChecked: 2,
    })

    // The text form, without --check, reports the same and exits 0.
    const text = await run(w, ['secrets', 'audit'], workspace)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(
      'REF_UNRESOLVED   file:local:/missing used by profile openai:both (keyRef, agent main) is unresolved',
    )
    expect(text.stdout).toContain('secrets audit: 8 finding(s): 5 plaintext, 2 shadowed, 1 unresolved')
    expect(text.stderr).toContain('run with --allow-exec')

    // --allow-exec runs the (hanging) exec provider: bounded, and reported as unresolved.
    const withExec = await run(w, ['secrets', 'audit', '--check', '--allow-exec', '--json'], workspace)
    expect(withExec.code).toBe(2)
    const vault = JSON.parse(withExec.stdout).findings.find((f: { location: string }) =>
      f.location.startsWith('profile openai:vault'),
    )
    expect(vault.code).toBe('REF_UNRESOLVED')
    expect(vault.message).toContain('exec provider "vault": timed out after 300 ms')
    scan(w)
  })

  it('findings without unresolved refs exit 1 with --check', async () => {
    const w = await world()
    const key = canary('sk-ant-api03-')
    w.secrets.push(key)
    const paste = await w.t.run(['models', 'auth', 'paste-api-key', '--provider', 'anthropic'], {
      stdin: `${key}\n`,
    })
    w.outputs.push(paste)
    expect(paste.code).toBe(0)
    const r = await run(w, ['secrets', 'audit', '--check'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      'PLAINTEXT_FOUND  profile anthropic:manual (agent main) stores its key in plaintext',
    )
    scan(w)
  })
})

describe('openclaw secrets reload', () => {
  it('reports each ref ok or failed, says no gateway was told, and exits 1 on a failure', async () => {
    const w = await world()
    w.t.writeConfig({
      secrets: { providers: { local: { source: 'file', path: w.secretsFile } } },
      models: {
        providers: { anthropic: { apiKey: { source: 'file', provider: 'local', id: 'anthropic' } } },
      },
      gateway: {
        auth: { mode: 'token', token: { source: 'env', provider: 'default', id: 'GW_TOKEN_UNSET' } },
      },
    })
    const r = await run(w, ['secrets', 'reload'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('ok      file:local:anthropic  models.providers.anthropic.apiKey')
    expect(r.stdout).toContain(
      'failed  env:default:GW_TOKEN_UNSET  gateway.auth.token: environment variable GW_TOKEN_UNSET is not set',
    )
    expect(r.stdout).toContain('2 ref(s): 1 ok, 1 failed')
    expect(r.stderr).toContain(
      `No gateway is running at http://127.0.0.1:${w.env.OPENCLAW_GATEWAY_PORT} (ECONNREFUSED); nothing to notify`,
    )

    w.env.GW_TOKEN_UNSET = canary('gw-')
    w.secrets.push(w.env.GW_TOKEN_UNSET)
    const ok = await run(w, ['secrets', 'reload', '--json'])
    expect(ok.code).toBe(0)
    const json = JSON.parse(ok.stdout)
    expect(json.refs.every((x: { ok: boolean }) => x.ok)).toBe(true)
    expect(json.gateway).toMatchObject({ reachable: false, notified: false })
    scan(w)
  })
})
