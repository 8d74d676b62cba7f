import { once } from 'node:events'
import net from 'node:net'
import Anthropic from '@anthropic-ai/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { makeProviderDir } from './fixtures/secret-providers/install.ts'
import { canary, expectNoCanary, runCli } from './support/cli.ts'
import { startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

let mock: MockProvider
let gw: TestGateway | undefined
const TOKEN = canary('gw-token-')

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

interface Frame {
  type: string
  id?: string
  ok?: boolean
  event?: string
  payload?: Record<string, unknown>
  error?: { code: string; message: string }
}

/** A control-plane client that records every frame. */
async function wsClient(url: string, token: string | undefined) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`)
  const frames: Frame[] = []
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())))
  await once(ws, 'open')
  ws.send(JSON.stringify({ type: 'connect', auth: token ? { token } : {} }))
  await waitFor(() => frames.some((f) => f.id === 'connect'), 5000, 'connect answer')
  let n = 0
  const call = async (method: string, params: Record<string, unknown> = {}) => {
    const id = `r${++n}`
    ws.send(JSON.stringify({ type: 'req', id, method, params }))
    await waitFor(() => frames.some((f) => f.id === id), 5000, `answer to ${method}`)
    return frames.find((f) => f.id === id)!
  }
  return { ws, frames, call, connect: frames.find((f) => f.id === 'connect')! }
}

const authConfig = {
  gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { exemptLoopback: false } } },
}

describe('runtime auth removal (issue 5, done-when)', () => {
  it('a whole-provider logout from the CLI ends a running stream with auth-revoked; keys added back work without restart', async () => {
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'stream_gated', text: 'never finishes' })
    gw = await startTestGateway({
      mock,
      config: authConfig,
      profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key } },
    })
    const control = await wsClient(gw.url, TOKEN)
    expect(control.connect.ok).toBe(true)
    const client = new Anthropic({ apiKey: TOKEN, baseURL: gw.url, maxRetries: 0 })
    const firstChunk = once(mock.events, 'first-chunk-sent')
    const { data: stream, response } = await client.messages
      .create({
        model: 'anthropic/claude-x',
        max_tokens: 16,
        stream: true,
        messages: [{ role: 'user', content: 'go' }],
      })
      .withResponse()
    const runId = response.headers.get('x-openclaw-run-id')!
    await firstChunk
    const consumed = (async () => {
      try {
        for await (const _ev of stream) {
          // drain
        }
        return 'ended without error'
      } catch (e) {
        return (e as Error).message
      }
    })()
    const started = Date.now()
    const cliEnv = { ...gw.env, OPENCLAW_GATEWAY_URL: gw.url, OPENCLAW_GATEWAY_TOKEN: TOKEN }
    const logout = await runCli(['models', 'auth', 'logout', '--provider', 'anthropic', '--yes', '--json'], {
      env: cliEnv,
      cwd: gw.home.home,
    })
    expect(logout.code, logout.stderr).toBe(0)
    const result = JSON.parse(logout.stdout)
    expect(result).toMatchObject({
      removedProfiles: ['anthropic:work'],
      abortedRunIds: [runId],
      gateway: 'notified',
      revokedAtProvider: false,
    })
    expect(result.note).toContain('until you revoke it')
    expect(await consumed).toContain('auth-revoked')
    expect(Date.now() - started).toBeLessThan(1000 + 2000 /* CLI start-up on a loaded 2-core box */)
    await waitFor(
      () =>
        control.frames.some(
          (f) => f.event === 'chat' && f.payload?.runId === runId && f.payload?.state === 'aborted',
        ),
      2000,
      'aborted event',
    )
    const ev = control.frames.find((f) => f.event === 'chat' && f.payload?.state === 'aborted')!
    expect(ev.payload).toMatchObject({ runId, provider: 'anthropic', stopReason: 'auth-revoked' })

    const noCred = await client.messages
      .create({ model: 'anthropic/claude-x', max_tokens: 8, messages: [{ role: 'user', content: 'again' }] })
      .catch((e: unknown) => e as InstanceType<typeof Anthropic.APIError>)
    expect((noCred as InstanceType<typeof Anthropic.APIError>).status).toBe(401)
    expect((noCred as Error).message).toMatch(/No API key found for provider \\?"anthropic\\?"/)

    const newKey = canary('sk-ant-api03-')
    mock.setBehavior(newKey, { kind: 'ok', text: 'back again' })
    const paste = await runCli(
      ['models', 'auth', 'paste-api-key', '--provider', 'anthropic', '--profile-id', 'anthropic:new'],
      {
        env: cliEnv,
        cwd: gw.home.home,
        stdin: newKey,
      },
    )
    expect(paste.code, paste.stderr).toBe(0)
    await waitFor(
      async () => {
        const r = await client.messages
          .create({ model: 'anthropic/claude-x', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })
          .catch(() => undefined)
        return r?.content[0]?.type === 'text' && r.content[0].text === 'back again'
      },
      5000,
      'the re-added key to serve',
    )
    control.ws.close()
    expectNoCanary(
      [logout.stdout, logout.stderr, paste.stdout, paste.stderr, ...gw.logs, JSON.stringify(control.frames)],
      [key, newKey, TOKEN],
    )
  })

  it('the CLI authenticates its logout with a gateway token kept as a SecretRef (no OPENCLAW_GATEWAY_TOKEN exported)', async () => {
    const key = canary('sk-ant-api03-')
    const refToken = canary('gw-ref-token-')
    mock.setDefault({ kind: 'ok' })
    gw = await startTestGateway({
      mock,
      config: {},
      setup: (home) => {
        const dir = makeProviderDir(home.home)
        const file = dir.file('gateway.json', JSON.stringify({ gateway: { token: refToken } }))
        home.writeConfig({
          ...home.readConfig(),
          secrets: { providers: { local: { source: 'file', path: file } } },
          gateway: {
            auth: {
              mode: 'token',
              token: { source: 'file', provider: 'local', id: '/gateway/token' },
              rateLimit: { exemptLoopback: false },
            },
          },
        })
      },
      profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key } },
    })
    await gw.state.activateSecrets()
    const control = await wsClient(gw.url, refToken)
    expect(control.connect.ok).toBe(true)
    control.ws.close()
    const env = { ...gw.env, OPENCLAW_GATEWAY_URL: gw.url }
    const logout = await runCli(['models', 'auth', 'logout', '--provider', 'anthropic', '--yes', '--json'], {
      env,
      cwd: gw.home.home,
    })
    expect(logout.code, logout.stderr).toBe(0)
    // 'notified' means the gateway itself removed the profiles: it accepted the resolved token.
    expect(JSON.parse(logout.stdout)).toMatchObject({
      removedProfiles: ['anthropic:work'],
      gateway: 'notified',
    })
    expectNoCanary([logout.stdout, logout.stderr, ...gw.logs], [key, refToken])
  })

  it('models.authLogout over the WebSocket; a targeted logout does not abort runs', async () => {
    const [a, b] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setDefault({ kind: 'ok' })
    gw = await startTestGateway({
      mock,
      config: authConfig,
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: a },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: b },
      },
    })
    const c = await wsClient(gw.url, TOKEN)
    const bad = await c.call('models.authLogout', { provider: 'anthropic', profileIds: ['anthropic:nope'] })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const one = await c.call('models.authLogout', { provider: 'anthropic', profileIds: ['anthropic:a'] })
    expect(one).toMatchObject({ ok: true, payload: { removedProfiles: ['anthropic:a'], abortedRunIds: [] } })
    const status = await c.call('models.authStatus')
    const anthropic = (
      status.payload!.providers as Array<{ provider: string; profiles: Array<{ id: string }> }>
    ).find((p) => p.provider === 'anthropic')!
    expect(anthropic.profiles.map((p) => p.id)).toEqual(['anthropic:b'])
    expect(JSON.stringify(status.payload)).not.toContain(b)
    c.ws.close()
  })
})

describe('client auth on every route (F rows)', () => {
  it('F-09: only /health answers without auth, on every spelling of every route', async () => {
    gw = await startTestGateway({ mock, config: authConfig })
    const paths = [
      '/v1/chat/completions',
      '/v1/messages',
      '/v1/models',
      '/V1/Models',
      '/v1//models',
      '/v1/models/',
      '/nope',
      '/ws',
    ]
    for (const p of paths) {
      const r = await fetch(`${gw.url}${p}`, {
        method: p.includes('models') || p === '/nope' || p === '/ws' ? 'GET' : 'POST',
      })
      expect([401, 400], p).toContain(r.status)
    }
    // Raw requests: fetch would normalise these before sending.
    for (const p of [
      '/v1%2fmodels',
      '/v1/%2e%2e/health',
      '/v1/./models',
      '/v1/../health',
      '/v1%252fmodels',
    ]) {
      expect(await rawStatus(gw.url, `Bearer ${TOKEN}`, p), p).toBe(400)
    }
    const health = await fetch(`${gw.url}/health`)
    expect(await health.json()).toEqual({ ok: true })
    const authed = await fetch(`${gw.url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(await authed.json()).toMatchObject({ ok: true, version: 'test' })
  })

  it('F-01/F-12: hostile Authorization headers get 400/401/431 and never echo or 500', async () => {
    gw = await startTestGateway({ mock, config: authConfig })
    const hostile = ["Bearer ' OR 1=1 --", `Bearer ${'x'.repeat(17_000)}`, 'Bearer', `Bearer ${TOKEN}\u0000`]
    for (const h of hostile) {
      const status = await rawStatus(gw.url, h)
      expect([400, 401, 431], JSON.stringify(h.slice(0, 20))).toContain(status)
    }
    const r = await fetch(`${gw.url}/v1/models`, { headers: { authorization: 'Bearer wrong-token-canary' } })
    expect(r.status).toBe(401)
    expect(await r.text()).not.toContain('wrong-token-canary')
    const q = await fetch(`${gw.url}/v1/models?token=${TOKEN}`)
    expect(q.status).toBe(401)
  })

  it('F-11: another client on the same address is not trusted because one authenticated', async () => {
    gw = await startTestGateway({ mock, config: authConfig })
    expect(
      (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200)
    expect((await fetch(`${gw.url}/v1/models`)).status).toBe(401)
  })

  it('F-08: a rotated token is enforced on the next request and WebSocket sessions are closed', async () => {
    gw = await startTestGateway({ mock, config: authConfig })
    const c = await wsClient(gw.url, TOKEN)
    expect(c.connect.ok).toBe(true)
    const closed = once(c.ws, 'close')
    const next = canary('gw-token-')
    const cfg = gw.home.readConfig() as { gateway: { auth: { token: string } } }
    cfg.gateway.auth.token = next
    gw.home.writeConfig(cfg)
    await waitFor(
      async () =>
        (await fetch(`${gw!.url}/v1/models`, { headers: { authorization: `Bearer ${TOKEN}` } })).status ===
        401,
      5000,
      'old token refused',
    )
    expect(
      (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${next}` } })).status,
    ).toBe(200)
    const [code] = (await closed) as [number]
    expect(code).toBe(4401)
    const again = await wsClient(gw.url, TOKEN)
    expect(again.connect).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('the WebSocket refuses calls before connect and a wrong token at connect', async () => {
    gw = await startTestGateway({ mock, config: authConfig })
    const wrong = await wsClient(gw.url, 'nope')
    expect(wrong.connect).toMatchObject({ ok: false })
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/ws`)
    const frames: Frame[] = []
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())))
    await once(ws, 'open')
    ws.send(JSON.stringify({ type: 'req', id: 'x', method: 'models.authStatus', params: {} }))
    await waitFor(() => frames.length > 0, 3000, 'refusal')
    expect(frames[0]).toMatchObject({ id: 'x', ok: false, error: { code: 'UNAUTHORIZED' } })
    ws.close()
  })
})

/** Sends a raw request so header bytes reach the server exactly as given. */
function rawStatus(url: string, authorization: string, path = '/v1/models'): Promise<number> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1', () => {
      s.write(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`,
      )
    })
    let buf = ''
    s.on('data', (d) => {
      buf += d.toString()
    })
    s.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(buf)?.[1] ?? 0)))
    s.on('error', reject)
  })
}

describe('upstream hardening (E rows)', () => {
  it('E-06: a key of one provider is never sent to another provider', async () => {
    const okey = canary('sk-proj-')
    mock.setDefault({ kind: 'ok' })
    gw = await startTestGateway({
      mock,
      profiles: { 'openai:main': { type: 'api_key', provider: 'openai', key: okey } },
    })
    const r = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    expect(r.status).toBe(401)
    expect(mock.requests.filter((q) => q.credential === okey)).toHaveLength(0)
    expect(mock.requests).toHaveLength(0)
  })

  it('E-02/E-03: pasted keys are trimmed at ingest and a 20 KiB key is refused with a clear error', async () => {
    mock.setDefault({ kind: 'ok' })
    gw = await startTestGateway({ mock })
    const key = canary('sk-ant-api03-')
    const paste = await runCli(['models', 'auth', 'paste-api-key', '--provider', 'anthropic'], {
      env: gw.env,
      cwd: gw.home.home,
      stdin: `  ${key} \n`,
    })
    expect(paste.code, paste.stderr).toBe(0)
    await waitFor(
      async () =>
        (
          await fetch(`${gw!.url}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
            body: JSON.stringify({
              model: 'anthropic/claude-x',
              max_tokens: 8,
              messages: [{ role: 'user', content: 'x' }],
            }),
          })
        ).status === 200,
      5000,
      'the pasted key to serve',
    )
    expect(mock.requests.at(-1)!.credential).toBe(key)
    const big = await runCli(
      ['models', 'auth', 'paste-api-key', '--provider', 'anthropic', '--profile-id', 'anthropic:big'],
      {
        env: gw.env,
        cwd: gw.home.home,
        stdin: `sk-${'a'.repeat(20 * 1024)}`,
      },
    )
    expect(big.code).toBe(1)
    expect(big.stderr).toContain('is too large')
    expect(big.stderr).not.toContain('aaaaaaaaaa')
  })
})

describe('legacy credentials awaiting migration', () => {
  it('fails closed with AUTH_PROFILE_MIGRATION_REQUIRED instead of falling through to env keys', async () => {
    const envKey = canary('sk-ant-api03-')
    mock.setDefault({ kind: 'ok' })
    const fs = await import('node:fs')
    gw = await startTestGateway({
      mock,
      env: { ANTHROPIC_API_KEY: envKey },
      setup: (home) => {
        const agentDir = `${home.stateDir}/agents/main/agent`
        fs.mkdirSync(agentDir, { recursive: true })
        const legacy = {
          version: 1,
          profiles: {
            'anthropic:old': { type: 'api_key', provider: 'anthropic', key: canary('sk-ant-api03-') },
          },
        }
        fs.writeFileSync(`${agentDir}/auth-profiles.json`, JSON.stringify(legacy), { mode: 0o600 })
      },
    })
    const ask = () =>
      fetch(`${gw!.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({
          model: 'anthropic/claude-x',
          max_tokens: 8,
          messages: [{ role: 'user', content: 'x' }],
        }),
      })
    expect((await ask()).status).toBe(503)
    const body = (await (await ask()).json()) as { error: { message: string } }
    expect(body.error.message).toContain('AUTH_PROFILE_MIGRATION_REQUIRED')
    expect(body.error.message).toContain('openclaw doctor --fix')
    expect(mock.callsFor(envKey)).toBe(0)
  })
})
