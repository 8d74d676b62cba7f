/**
 * F-10 end to end: scoped client tokens (gateway.auth.clients) against the real gateway, over
 * HTTP (official SDKs and raw fetch) and the /ws control plane. Scopes come only from the
 * credential's server-side binding: scopes or roles declared in headers, in the body, in the
 * connect frame or in method params change nothing. Refusals are 403 / FORBIDDEN naming the
 * missing scope and never the credential. Rotating a client token applies at once. D-EXEC-15:
 * the one network path that writes openclaw.json (models.authLogout) needs admin.
 */
import { once } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { canary, expectNoCanary } from './support/cli.ts'
import { startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

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

const MAIN = canary('gw-token-')
const READER = canary('gw-reader-')
const CHATTER = canary('gw-chat-')
const OPERATOR = canary('gw-op-')
const KEY = canary('sk-ant-api03-')
const SECRETS = [MAIN, READER, CHATTER, OPERATOR, KEY]

/** reader via ${VAR}, chatter plaintext, operator via an env SecretRef: all three token forms. */
async function start(): Promise<TestGateway> {
  mock.setBehavior(KEY, { kind: 'ok', text: 'pong' })
  return startTestGateway({
    mock,
    env: { READER_TOKEN: READER, OPERATOR_TOKEN: OPERATOR },
    profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key: KEY } },
    config: {
      gateway: {
        auth: {
          mode: 'token',
          token: MAIN,
          rateLimit: { exemptLoopback: false },
          clients: [
            // biome-ignore lint/suspicious/noTemplateCurlyInString: config substitution syntax
            { name: 'ci-reader', token: '${READER_TOKEN}', scopes: ['read'] },
            { name: 'app', token: CHATTER, scopes: ['chat'] },
            {
              name: 'ops',
              token: { source: 'env', provider: 'default', id: 'OPERATOR_TOKEN' },
              scopes: ['admin'],
            },
          ],
        },
      },
    },
  })
}

interface Frame {
  type: string
  id?: string
  ok?: boolean
  event?: string
  payload?: Record<string, unknown>
  error?: { code: string; message: string }
}

async function wsClient(url: string, connect: Record<string, unknown>) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`)
  const frames: Frame[] = []
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())))
  await once(ws, 'open')
  ws.send(JSON.stringify({ type: 'connect', ...connect }))
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

const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: 'anthropic/claude-x',
    max_tokens: 8,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  })

async function post(url: string, token: string, headers: Record<string, string> = {}, body = chatBody()) {
  const r = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body,
  })
  return { status: r.status, text: await r.text() }
}

const SPOOFED_HEADERS = {
  'x-openclaw-scopes': 'chat,read,admin',
  'x-openclaw-scope': 'admin',
  'x-openclaw-role': 'admin',
  'x-openclaw-client': 'root',
}

describe('scoped client credentials (F-10)', () => {
  it('HTTP: each token reaches exactly its scopes; declared scopes in headers or body are ignored', async () => {
    gw = await start()
    const texts: string[] = []
    // read: models and health details yes, chat no.
    const models = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${READER}` } })
    expect(models.status).toBe(200)
    const health = await fetch(`${gw.url}/health`, { headers: { authorization: `Bearer ${READER}` } })
    expect(await health.json()).toMatchObject({ ok: true, version: 'test' })
    const refused = await post(gw.url, READER)
    expect(refused.status).toBe(403)
    expect(JSON.parse(refused.text).error).toMatchObject({
      type: 'permission_error',
      message: expect.stringContaining(
        'POST /v1/messages needs the "chat" scope, which client "ci-reader" does not have',
      ),
    })
    texts.push(refused.text)
    for (const attempt of [
      await post(gw.url, READER, SPOOFED_HEADERS),
      await post(
        gw.url,
        READER,
        {},
        chatBody({ scopes: ['chat', 'admin'], role: 'admin', openclaw: { scopes: ['chat'] } }),
      ),
    ]) {
      expect(attempt.status).toBe(403)
      texts.push(attempt.text)
    }
    expect(mock.requests).toHaveLength(0)

    // chat: the official SDKs work, models and health details do not.
    const sdk = new Anthropic({ apiKey: CHATTER, baseURL: gw.url, maxRetries: 0 })
    const msg = await sdk.messages.create({
      model: 'anthropic/claude-x',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'pong' })
    const oai = new OpenAI({ apiKey: CHATTER, baseURL: `${gw.url}/v1`, maxRetries: 0 })
    const denied = await oai.models.list().catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>)
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect((denied as Error).message).toContain('needs the "read" scope, which client "app" does not have')
    const spoofed = await fetch(`${gw.url}/v1/models`, {
      headers: { authorization: `Bearer ${CHATTER}`, ...SPOOFED_HEADERS },
    })
    expect(spoofed.status).toBe(403)
    texts.push(await spoofed.text())
    const bare = await fetch(`${gw.url}/health`, {
      headers: { authorization: `Bearer ${CHATTER}`, ...SPOOFED_HEADERS },
    })
    expect(await bare.json()).toEqual({ ok: true })

    // admin implies read, not chat; the main token holds everything.
    expect(
      (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${OPERATOR}` } })).status,
    ).toBe(200)
    expect((await post(gw.url, OPERATOR)).status).toBe(403)
    expect((await post(gw.url, MAIN)).status).toBe(200)
    expectNoCanary([...texts, gw.logs.join('\n')], SECRETS)
  })

  it('WebSocket: methods and events follow the credential; connect-frame and params scopes are ignored', async () => {
    gw = await start()
    const configPath = path.join(gw.home.stateDir, 'openclaw.json')
    const before = fs.readFileSync(configPath)
    const reader = await wsClient(gw.url, {
      auth: { token: READER, scopes: ['admin'], role: 'admin' },
      scopes: ['admin'],
      role: 'operator',
      client: { scopes: ['admin'] },
    })
    expect(reader.connect).toMatchObject({
      ok: true,
      payload: { auth: { scopes: ['read'], client: 'ci-reader' }, events: ['chat', 'health'] },
    })
    expect(reader.connect.payload?.methods).toEqual(['models.authStatus', 'sessions.list', 'runs.list'])
    expect(await reader.call('models.authStatus')).toMatchObject({ ok: true })
    for (const [method, params] of [
      ['models.authLogout', { provider: 'anthropic', scopes: ['admin'] }],
      ['models.clearCooldown', { profileId: 'anthropic:work', role: 'admin' }],
      ['models.reload', {}],
      ['chat.abort', { runId: 'run_x' }],
      ['config.apply', { raw: {} }],
    ] as const) {
      const r = await reader.call(method, params)
      expect(r, method).toMatchObject({
        ok: false,
        error: { code: method === 'config.apply' ? 'NOT_FOUND' : 'FORBIDDEN' },
      })
      if (method !== 'config.apply') expect(r.error?.message).toContain(`${method} needs the "admin" scope`)
    }
    // D-EXEC-15: the refused logout wrote nothing and removed nothing.
    expect(fs.readFileSync(configPath).equals(before)).toBe(true)
    expect(gw.state.view().profiles.map((p) => p.id)).toEqual(['anthropic:work'])

    const app = await wsClient(gw.url, { auth: { token: CHATTER }, scopes: ['read', 'admin'] })
    expect(app.connect).toMatchObject({
      ok: true,
      payload: { auth: { scopes: ['chat'] }, methods: [], events: [] },
    })
    expect(await app.call('sessions.list')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    // A run's events reach the read-scoped connection only.
    expect((await post(gw.url, CHATTER)).status).toBe(200)
    await waitFor(
      () => reader.frames.some((f) => f.event === 'chat' && f.payload?.state === 'final'),
      5000,
      'chat event',
    )
    // Frames on one socket arrive in order: anything broadcast before this answer came first.
    await app.call('runs.list')
    expect(app.frames.filter((f) => f.type === 'event')).toEqual([])

    const ops = await wsClient(gw.url, { auth: { token: OPERATOR } })
    expect(ops.connect.payload?.auth).toEqual({ scopes: ['read', 'admin'], client: 'ops' })
    expect(await ops.call('models.clearCooldown', { profileId: 'anthropic:nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    expect(await ops.call('models.clearCooldown', { profileId: 'anthropic:work' })).toMatchObject({
      ok: true,
    })
    for (const c of [reader, app, ops]) c.ws.close()
    expectNoCanary(
      [reader, app, ops].flatMap((c) => c.frames.map((f) => JSON.stringify(f))),
      SECRETS,
    )
  })

  it('a rotated client token applies on the next request and ends its WebSocket sessions', async () => {
    gw = await start()
    const session = await wsClient(gw.url, { auth: { token: READER } })
    expect(session.connect.ok).toBe(true)
    const closed = once(session.ws, 'close')
    const next = canary('gw-chat-')
    const cfg = gw.home.readConfig() as { gateway: { auth: { clients: Array<{ token: unknown }> } } }
    cfg.gateway.auth.clients[1]!.token = next
    gw.home.writeConfig(cfg)
    await waitFor(async () => (await post(gw!.url, CHATTER)).status === 401, 5000, 'old client token refused')
    expect((await post(gw.url, next)).status).toBe(200)
    expect((await post(gw.url, READER)).status).toBe(403)
    const [code] = (await closed) as [number]
    expect(code).toBe(4401)
  })
})
