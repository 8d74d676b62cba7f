/**
 * Claude CLI reuse, status and runtime in agreement (DECISIONS 1): with a fake `claude` and a
 * fake Claude Code login, `login --method cli --set-default` routes a model, and then
 * `models status`, `--check`, `--probe` and a real gateway all say the same thing about it,
 * including when the login has expired or belongs to another account.
 */
import fs from 'node:fs'
import path from 'node:path'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { canary, expectNoCanary, makeTempHome, ROOT, type TempHome } from './support/cli.ts'
import { providerConfig, startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

const FAKE_CLAUDE = path.join(ROOT, 'test', 'fixtures', 'fake-claude', 'claude')
const HOUR = 3_600_000
const ROUTED = 'anthropic/claude-sonnet-4-5'

let mock: MockProvider
let gw: TestGateway | undefined

beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})
afterEach(async () => {
  await gw?.close()
  gw = undefined
  mock.reset()
})

/** Claude Code's own files in `home`: a login for `email` whose access token ends in `expiresIn`. */
function claudeLogin(
  home: string,
  opts: { email: string; expiresIn: number; refresh?: boolean; access?: string },
): string {
  const access = opts.access ?? canary('sk-ant-oat01-')
  fs.mkdirSync(path.join(home, '.claude'), { recursive: true })
  fs.writeFileSync(
    path.join(home, '.claude', '.credentials.json'),
    JSON.stringify({
      claudeAiOauth: {
        accessToken: access,
        ...(opts.refresh === false ? {} : { refreshToken: canary('sk-ant-ort01-') }),
        expiresAt: Date.now() + opts.expiresIn,
        subscriptionType: 'max',
      },
    }),
    { mode: 0o600 },
  )
  fs.writeFileSync(
    path.join(home, '.claude.json'),
    JSON.stringify({ oauthAccount: { emailAddress: opts.email, accountUuid: `uuid-${opts.email}` } }),
  )
  return access
}

const backendConfig = { agents: { defaults: { cliBackends: { 'claude-cli': { command: FAKE_CLAUDE } } } } }

async function statusJson(home: TempHome) {
  const r = await home.run(['models', 'status', '--json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

describe('models routed to claude-cli: status, --check, --probe and the gateway agree', () => {
  it('a linked login with no API key: routed by login --set-default, ok everywhere, served by claude', async () => {
    let access = ''
    gw = await startTestGateway({
      mock,
      config: backendConfig,
      setup: (home) => {
        access = claudeLogin(home.home, { email: 'me@example.com', expiresIn: 48 * HOUR })
      },
    })
    const home = gw.home
    const login = await home.run([
      'models',
      'auth',
      'login',
      '--provider',
      'anthropic',
      '--method',
      'cli',
      '--set-default',
    ])
    expect(login.code, login.stderr).toBe(0)
    expect(login.stdout).toContain(
      `Routed ${ROUTED} to claude-cli (agents.defaults.models."${ROUTED}".agentRuntime.id = "claude-cli").`,
    )
    expect(login.stdout).toContain(`Default model set to ${ROUTED}.`)
    const cfg = home.readConfig() as {
      agents: {
        defaults: { model: unknown; models: Record<string, unknown>; cliBackends: Record<string, unknown> }
      }
    }
    expect(cfg.agents.defaults.model).toBe(ROUTED)
    expect(cfg.agents.defaults.models[ROUTED]).toEqual({ agentRuntime: { id: 'claude-cli' } })
    expect(cfg.agents.defaults.cliBackends['claude-cli']).toMatchObject({
      account: { email: 'me@example.com' },
    })

    const check = await home.run(['models', 'status', '--check'])
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0)
    expect(check.stdout).toContain('effective=claude-cli:me@example.com')
    expect(check.stdout).not.toContain('Missing auth')
    const report = await statusJson(home)
    const anthropic = report.auth.providers.find((p: { provider: string }) => p.provider === 'anthropic')
    expect(anthropic.effective).toEqual({ kind: 'claude-cli', detail: 'me@example.com' })
    expect(report.auth.missingProvidersInUse).toEqual([])
    expect(report.auth.claudeCli).toMatchObject({
      status: 'ok',
      account: 'me@example.com',
      linkedAccount: 'me@example.com',
      refreshable: true,
      serves: [ROUTED],
    })

    const probe = await home.run(['models', 'status', '--probe', '--json'])
    expect(probe.code, probe.stderr).toBe(0)
    expect(JSON.parse(probe.stdout).auth.probes.results).toEqual([
      expect.objectContaining({ model: ROUTED, label: 'claude-cli', source: 'claude-cli', status: 'ok' }),
    ])

    // The gateway polls its config; once it routes the model, it serves it the same way.
    await waitFor(
      () => JSON.stringify(gw!.state.config.agents?.defaults?.models ?? {}).includes('claude-cli'),
      5000,
      'the gateway to see the new route',
    )
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
    const { data, response } = await client.chat.completions
      .create({ model: ROUTED, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse()
    expect(response.headers.get('x-openclaw-auth-profile')).toBe('claude-cli')
    expect(data.choices[0]?.message.content).toBe('fake claude (cli) says: User: hi')
    expect(mock.requests).toHaveLength(0)
    expectNoCanary([login.stdout, check.stdout, check.stderr, probe.stdout, JSON.stringify(report)], [access])
  })

  it('an expired login: --check exits 1 without a refresh token and 2 with one (claude renews it)', async () => {
    const home = makeTempHome()
    home.writeConfig({
      agents: {
        defaults: {
          ...backendConfig.agents.defaults,
          model: ROUTED,
          models: { [ROUTED]: { agentRuntime: { id: 'claude-cli' } } },
        },
      },
    })
    claudeLogin(home.home, { email: 'me@example.com', expiresIn: -HOUR, refresh: false })
    const dead = await home.run(['models', 'status', '--check'])
    expect(dead.code).toBe(1)
    expect(dead.stderr).toContain(`claude-cli login (serves ${ROUTED}) expired and holds no refresh token`)
    expect(dead.stderr).toContain('claude auth login')
    expect((await statusJson(home)).auth.claudeCli).toMatchObject({ status: 'expired', refreshable: false })

    claudeLogin(home.home, { email: 'me@example.com', expiresIn: -HOUR, refresh: true })
    const renewable = await home.run(['models', 'status', '--check'])
    expect(renewable.code).toBe(2)
    expect(renewable.stdout).toContain('expired (refreshable)')
    expect(renewable.stderr).toContain('access token expired; claude refreshes it on its next run')

    // Nearing expiry is not news while claude holds a refresh token; without one it is.
    claudeLogin(home.home, { email: 'me@example.com', expiresIn: 2 * HOUR, refresh: true })
    expect((await home.run(['models', 'status', '--check'])).code).toBe(0)
    claudeLogin(home.home, { email: 'me@example.com', expiresIn: 2 * HOUR, refresh: false })
    expect((await home.run(['models', 'status', '--check'])).code).toBe(2)
  })

  it('claude logged into another account than the linked one: --check 1, the probe and the gateway refuse alike', async () => {
    gw = await startTestGateway({
      mock,
      config: {
        agents: {
          defaults: {
            cliBackends: { 'claude-cli': { command: FAKE_CLAUDE, account: { email: 'me@example.com' } } },
            model: ROUTED,
            models: { [ROUTED]: { agentRuntime: { id: 'claude-cli' } } },
          },
        },
      },
      setup: (home) => {
        claudeLogin(home.home, { email: 'other@example.com', expiresIn: 48 * HOUR })
      },
    })
    const refusal =
      "The host's `claude` is logged in as other@example.com, but the claude-cli backend is linked to me@example.com"
    const check = await gw.home.run(['models', 'status', '--check'])
    expect(check.code).toBe(1)
    expect(check.stderr).toContain(refusal)
    expect(check.stderr).toContain('claude auth logout && claude auth login')
    const probe = await gw.home.run(['models', 'status', '--probe', '--json'])
    expect(JSON.parse(probe.stdout).auth.probes.results[0]).toMatchObject({
      source: 'claude-cli',
      status: 'auth',
    })
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: ROUTED, messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(res.status).toBe(401)
    expect(await res.text()).toContain(refusal)
  })

  it('an OpenClaw credential wins: the login is not what serves, and its state does not fail --check', async () => {
    const key = canary('sk-ant-api03-')
    const home = makeTempHome()
    home.writeConfig({
      models: { providers: providerConfig(mock) },
      agents: {
        defaults: {
          ...backendConfig.agents.defaults,
          model: ROUTED,
          models: { [ROUTED]: { agentRuntime: { id: 'claude-cli' } } },
        },
      },
    })
    claudeLogin(home.home, { email: 'me@example.com', expiresIn: -HOUR, refresh: false })
    const paste = await home.run(['models', 'auth', 'paste-api-key', '--provider', 'anthropic'], {
      stdin: `${key}\n`,
    })
    expect(paste.code, paste.stderr).toBe(0)
    const check = await home.run(['models', 'status', '--check'])
    expect(check.code, check.stderr).toBe(0)
    const report = await statusJson(home)
    expect(report.auth.claudeCli.serves).toEqual([])
    expect(report.auth.providers[0].effective).toEqual({ kind: 'profile', detail: 'anthropic:manual' })
  })

  it('login --method cli without a route says how to route a model; --model routes one, other providers are refused', async () => {
    const home = makeTempHome()
    home.writeConfig(backendConfig)
    claudeLogin(home.home, { email: 'me@example.com', expiresIn: 48 * HOUR })
    const bare = await home.run(['models', 'auth', 'login', '--provider', 'anthropic', '--method', 'cli'])
    expect(bare.code, bare.stderr).toBe(0)
    expect(bare.stdout).toContain('No model is routed to claude-cli yet')
    expect(bare.stdout).toContain('agents.defaults.models."anthropic/<model>".agentRuntime.id = "claude-cli"')
    const routed = await home.run([
      'models',
      'auth',
      'login',
      '--provider',
      'anthropic',
      '--method',
      'cli',
      '--model',
      'anthropic/claude-opus-4-1',
    ])
    expect(routed.code, routed.stderr).toBe(0)
    const defaults = (home.readConfig() as { agents: { defaults: Record<string, unknown> } }).agents.defaults
    expect(defaults.models).toEqual({ 'anthropic/claude-opus-4-1': { agentRuntime: { id: 'claude-cli' } } })
    expect(defaults.model).toBeUndefined()
    const wrong = await home.run([
      'models',
      'auth',
      'login',
      '--provider',
      'anthropic',
      '--method',
      'cli',
      '--model',
      'openai/gpt-5',
    ])
    expect(wrong.code).toBe(64)
    expect(wrong.stderr).toContain('serves Anthropic models only')
    const notCli = await home.run([
      'models',
      'auth',
      'login',
      '--provider',
      'anthropic',
      '--method',
      'api-key',
      '--model',
      ROUTED,
    ])
    expect(notCli.code).toBe(64)
  })
})
