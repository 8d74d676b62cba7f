/**
 * `openclaw doctor` health checks through the real binary: file modes (and --fix), a broken
 * config as a finding, cooldowns with their clear command, ignored workspace .env entries,
 * exec refs only with --allow-exec, gateway reachability and auth, and --deep reachability.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { makeProviderDir } from './fixtures/secret-providers/install.ts'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'
import { providerConfig, startTestGateway } from './support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

type Finding = {
  id: string
  level: string
  title: string
  detail: string
  fix?: { command?: string; automatic: boolean }
}
const NO_GATEWAY = { OPENCLAW_GATEWAY_PORT: '1' }

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})

async function findings(
  t: ReturnType<typeof makeTempHome>,
  args: string[] = [],
  env: Record<string, string> = NO_GATEWAY,
) {
  const r = await t.run(['doctor', '--json', ...args], { env })
  return {
    ...r,
    out: JSON.parse(r.stdout) as { findings: Finding[]; fixed: string[]; migrations: unknown[] },
  }
}

describe('openclaw doctor checks', () => {
  it('flags loose modes with the chmod command and --fix applies 600/700', async () => {
    const t = makeTempHome()
    t.writeConfig({})
    fs.chmodSync(path.join(t.stateDir, 'openclaw.json'), 0o644)
    fs.chmodSync(t.stateDir, 0o755)
    fs.writeFileSync(path.join(t.stateDir, '.env'), 'FOO=bar\n', { mode: 0o640 })
    const before = await findings(t)
    expect(before.code).toBe(0)
    const cfg = before.out.findings.find(
      (f) => f.id === `files.mode:${path.join(t.stateDir, 'openclaw.json')}`,
    )
    expect(cfg).toMatchObject({
      level: 'warning',
      fix: { command: `chmod 600 ${path.join(t.stateDir, 'openclaw.json')}`, automatic: true },
    })
    expect(before.out.findings.some((f) => f.id === `files.mode:${t.stateDir}`)).toBe(true)
    const fixed = await findings(t, ['--fix'])
    expect(fixed.out.fixed).toEqual(
      expect.arrayContaining([
        `chmod 600 ${path.join(t.stateDir, 'openclaw.json')}`,
        `chmod 700 ${t.stateDir}`,
      ]),
    )
    expect(fixed.out.findings.filter((f) => f.id.startsWith('files.mode:'))).toEqual([])
    expect(fs.statSync(path.join(t.stateDir, 'openclaw.json')).mode & 0o777).toBe(0o600)
    expect(fs.statSync(path.join(t.stateDir, '.env')).mode & 0o777).toBe(0o600)
    expect(fs.statSync(t.stateDir).mode & 0o777).toBe(0o700)
  })

  it('a broken config is an error finding (exit 1), not a crash; other checks still run', async () => {
    const t = makeTempHome()
    fs.mkdirSync(t.stateDir, { recursive: true, mode: 0o700 })
    fs.writeFileSync(path.join(t.stateDir, 'openclaw.json'), '{ "auth": { "order": ', { mode: 0o644 })
    const r = await findings(t)
    expect(r.code).toBe(1)
    expect(r.out.findings.find((f) => f.id === 'config.invalid')).toMatchObject({ level: 'error' })
    expect(r.out.findings.some((f) => f.id.startsWith('files.mode:'))).toBe(true)
    expect(r.out.findings.some((f) => f.id === 'gateway.not-running')).toBe(true)
    const human = await t.run(['doctor'], { env: NO_GATEWAY })
    expect(human.code).toBe(1)
    expect(human.stdout).toContain('[error] Config')
    expect(human.stderr).not.toContain('unexpected internal failure')
  })

  it('reports cooldowns and disables with the clear-cooldown command, and expiring/expired tokens', async () => {
    const t = makeTempHome()
    const secrets = [canary('sk-ant-api03-'), canary('sk-ant-oat01-')]
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('anthropic:busy', { type: 'api_key', provider: 'anthropic', key: secrets[0]! })
    store.upsertProfile('anthropic:old', {
      type: 'token',
      provider: 'anthropic',
      token: secrets[1]!,
      expires: Date.now() - 60_000,
    })
    const until = Date.now() + 3_600_000
    store.updateState('anthropic:busy', (s) => ({
      ...s,
      disabled: { until, reason: 'billing', count: 1, lastFailureAt: Date.now() },
    }))
    store.close()
    const r = await findings(t)
    expect(r.code).toBe(1)
    expect(r.out.findings.find((f) => f.id === 'auth.disabled:anthropic:busy')).toMatchObject({
      level: 'warning',
      fix: { command: 'openclaw models auth clear-cooldown anthropic:busy', automatic: false },
    })
    const expired = r.out.findings.find((f) => f.id === 'auth.profile:anthropic:old')
    expect(expired).toMatchObject({
      level: 'error',
      fix: {
        command: expect.stringContaining('paste-token --provider anthropic --profile-id anthropic:old'),
      },
    })
    const human = await t.run(['doctor'], { env: NO_GATEWAY })
    expect(human.stdout).toMatch(/Model auth\n/)
    expect(human.stdout).toContain('fix: openclaw models auth clear-cooldown anthropic:busy')
    expectNoCanary([r.stdout, r.stderr, human.stdout, human.stderr], secrets)
  })

  it('lists .env files in use and warns about ignored workspace .env entries', async () => {
    const t = makeTempHome()
    const ws = path.join(t.home, 'project')
    fs.mkdirSync(ws, { recursive: true })
    const leaked = canary('sk-ant-api03-')
    fs.writeFileSync(path.join(ws, '.env'), `ANTHROPIC_API_KEY=${leaked}\nHARMLESS=1\n`)
    const r = await t.run(['doctor', '--json'], { env: NO_GATEWAY, cwd: ws })
    const out = JSON.parse(r.stdout) as { findings: Finding[] }
    expect(out.findings.find((f) => f.id === 'env.sources')?.title).toContain(path.join(ws, '.env'))
    expect(out.findings.find((f) => f.id === 'env.ignored:ANTHROPIC_API_KEY')).toMatchObject({
      level: 'warning',
    })
    expectNoCanary([r.stdout, r.stderr], [leaked])
  })

  it('does not run exec secret providers without --allow-exec', async () => {
    const t = makeTempHome()
    fs.mkdirSync(t.home, { recursive: true })
    const p = makeProviderDir(t.home)
    const execKey = canary('sk-proj-')
    const dumpDir = fs.mkdtempSync(path.join(p.dir, 'dump-'))
    const command = p.install('ok-provider.mjs', 'vault.mjs')
    const values = p.file('values.json', JSON.stringify({ 'openai/key': execKey }))
    t.writeConfig({
      secrets: { providers: { vault: { source: 'exec', command, args: [values, dumpDir, '-'] } } },
    })
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('openai:vault', {
      type: 'api_key',
      provider: 'openai',
      keyRef: { source: 'exec', provider: 'vault', id: 'openai/key' },
    })
    store.close()
    const plain = await findings(t)
    expect(plain.out.findings.find((f) => f.id === 'secrets.exec-not-checked')).toMatchObject({
      level: 'info',
    })
    expect(fs.readdirSync(dumpDir)).toEqual([])
    const allowed = await findings(t, ['--allow-exec'])
    expect(allowed.out.findings.some((f) => f.id === 'secrets.exec-not-checked')).toBe(false)
    expect(allowed.out.findings.some((f) => f.id.startsWith('secrets.unresolved'))).toBe(false)
    expect(fs.readdirSync(dumpDir).some((f) => f.startsWith('request-'))).toBe(true)
    expectNoCanary([plain.stdout, allowed.stdout, allowed.stderr], [execKey])
  })

  it('finds a running gateway (port from OPENCLAW_GATEWAY_PORT) and whether it requires auth', async () => {
    const gw = await startTestGateway({ mock })
    try {
      const port = new URL(gw.url).port
      const r = await findings(gw.home, [], { ...gw.env, OPENCLAW_GATEWAY_PORT: port })
      const g = r.out.findings.find((f) => f.id === 'gateway.running')
      expect(g?.title).toContain(`http://127.0.0.1:${port} (port from env)`)
      expect(g?.detail).toMatch(/refuses unauthenticated|accepts API calls without client auth/)
    } finally {
      await gw.close()
    }
    const t = makeTempHome()
    t.writeConfig({ gateway: { port: 1 } })
    const none = await findings(t, [], {})
    expect(none.out.findings.find((f) => f.id === 'gateway.not-running')?.title).toContain(
      '(port from config)',
    )
  })

  it('--deep checks each configured provider origin (loopback here)', async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = net.createServer()
      srv.listen(0, '127.0.0.1', () => {
        const port = (srv.address() as net.AddressInfo).port
        srv.close(() => resolve(port))
      })
    })
    const t = makeTempHome()
    t.writeConfig({
      models: {
        providers: {
          anthropic: providerConfig(mock).anthropic,
          openrouter: { baseUrl: `http://127.0.0.1:${closed}/v1`, api: 'openai-completions' },
        },
      },
    })
    const r = await findings(t, ['--deep'])
    expect(r.out.findings.find((f) => f.id === 'network.ok:anthropic')).toMatchObject({ level: 'info' })
    expect(r.out.findings.find((f) => f.id === 'network.unreachable:openrouter')).toMatchObject({
      level: 'warning',
    })
    expect(r.code).toBe(0)
    const shallow = await findings(t)
    expect(shallow.out.findings.some((f) => f.id.startsWith('network.'))).toBe(false)
  })
})
