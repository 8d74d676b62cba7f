/**
 * H-03 (catalogue 2.H): the gateway client token is rotated mid-run. The token is a SecretRef
 * (`env:default:GW_TOKEN`) read from `<state>/.env`; rewriting that file is the rotation, picked
 * up by the gateway process's reload. Decision (docs/gateway.md): HTTP requests are
 * authenticated once, when they arrive, so streams already running with the old token finish;
 * every request that arrives after the reload with the old token gets 401 and with the new one
 * 200; WebSocket sessions opened with the old token are closed (4401, F-08).
 * The marker is the gateway's "gateway client auth changed" line, the moment the new auth is in
 * force; no request in this test polls until it happens to pass.
 */
import { once } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { canary, declareInput, makeTempHome, type TempHome } from '../support/cli.ts'
import { captureClientResponses, providerConfig, waitFor } from '../support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from '../support/mock-provider/index.ts'
import { type GatewayProcess, now, startGatewayProcess } from './harness/gateway-process.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { type StreamOutcome, startStreamLoad, streamedText, tally } from './harness/stream-load.ts'

const MODEL = 'anthropic/claude-h03'
const IN_FLIGHT = 5
const GATED_TEXT = 'held across the rotation'

let mock: MockProvider
let home: TempHome
let gw: GatewayProcess

function writeEnvToken(h: TempHome, token: string): void {
  // Replaced by rename, as a secrets manager or `install -m 600` would do it.
  const file = path.join(h.stateDir, '.env')
  fs.writeFileSync(`${file}.tmp`, `GW_TOKEN=${token}\n`, { mode: 0o600 })
  fs.renameSync(`${file}.tmp`, file)
  declareInput(file)
}

beforeAll(async () => {
  mock = await startMockProvider({ chunkIntervalMs: 20 })
  home = makeTempHome()
})

afterAll(async () => {
  gw?.killGroup()
  await mock.close()
})

async function status(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  return res.status
}

/** A stream the mock holds open until release(): in flight across the rotation. */
async function heldStream(url: string, token: string, n: number): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      model: MODEL,
      max_tokens: 32,
      stream: true,
      messages: [{ role: 'user', content: `held ${n}` }],
    }),
    signal: AbortSignal.timeout(20_000),
  })
  return { status: res.status, text: await res.text() }
}

describe('H-03: client token rotated mid-run', () => {
  it('in-flight streams finish; after the reload the old token gets 401 at once and the new one 200', async () => {
    const oldToken = canary('gw-token-')
    const newToken = canary('gw-token-')
    const key = canary('sk-ant-api03-')
    home.writeConfig({
      models: { providers: providerConfig(mock) },
      gateway: { auth: { mode: 'token', token: { source: 'env', provider: 'default', id: 'GW_TOKEN' } } },
    })
    writeEnvToken(home, oldToken)
    const store = CredentialStore.open(home.storePath())
    store.upsertProfile('anthropic:h03', { type: 'api_key', provider: 'anthropic', key })
    store.close()
    mock.setBehavior(key, [
      ...Array.from({ length: IN_FLIGHT }, () => ({ kind: 'stream_gated' as const, text: GATED_TEXT })),
      { kind: 'ok' },
    ])
    gw = await startGatewayProcess({ home })
    captureClientResponses(gw.url)

    // Streams in flight with the old token, held by the mock until after the rotation.
    let gated = 0
    const allGated = new Promise<void>((resolve) =>
      mock.events.on('gate-waiting', () => {
        if (++gated === IN_FLIGHT) resolve()
      }),
    )
    const held = Array.from({ length: IN_FLIGHT }, (_, n) => heldStream(gw.url, oldToken, n))
    await allGated

    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/ws`)
    const frames: Array<{ id?: string; ok?: boolean }> = []
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())))
    await once(ws, 'open')
    const wsClosed = once(ws, 'close')
    ws.send(JSON.stringify({ type: 'connect', auth: { token: oldToken } }))

    // Load with the old token, before and across the rotation.
    const load = (tag: string, token: string, label: string) =>
      startStreamLoad({
        url: () => gw.url,
        token: () => ({ value: token, label }),
        model: MODEL,
        tag,
        concurrency: 10,
        durationMs: 15_000,
        maxRequests: 3000,
      })
    const oldLoad = load('h03-old', oldToken, 'old')
    await waitFor(() => oldLoad.outcomes.length >= 10, 10_000, 'load with the old token')
    await waitFor(() => frames.some((f) => f.id === 'connect'), 5000, 'connect answer')
    expect(frames.find((f) => f.id === 'connect')?.ok).toBe(true)

    const from = gw.lines.length
    const rotatedAt = now()
    writeEnvToken(home, newToken)
    const applied = await gw.waitForLine(/gateway client auth changed/, 10_000, from)
    // Immediately after the marker, no retry: old refused, new accepted.
    const [oldStatus, newStatus] = await Promise.all([status(gw.url, oldToken), status(gw.url, newToken)])
    expect(oldStatus).toBe(401)
    expect(newStatus).toBe(200)
    const newLoad = load('h03-new', newToken, 'new')
    const [wsCode] = (await wsClosed) as [number]
    expect(wsCode).toBe(4401)
    await waitFor(
      () =>
        oldLoad.outcomes.filter((o) => o.startedAt > applied.at).length >= 30 &&
        newLoad.outcomes.length >= 20,
      15_000,
      'load after the rotation',
    )
    oldLoad.stop()
    newLoad.stop()
    const [oldOut, newOut] = await Promise.all([oldLoad.done, newLoad.done])

    mock.release()
    const heldOut = await Promise.all(held)

    // Answered before the file changed: authenticated by the old settings for sure. Sent after
    // the marker: authenticated by the new ones. Anything else overlapped the reload.
    const phase = (o: StreamOutcome) =>
      o.endedAt < rotatedAt ? 'before' : o.startedAt > applied.at ? 'after' : 'during'
    const report = {
      reloadMs: Math.round(applied.at - rotatedAt),
      old: tally(oldOut, (o) => `${phase(o)}:${o.kind}:${o.status}`),
      new: tally(newOut, (o) => `${o.kind}:${o.status}`),
      held: heldOut.map((h) => h.status),
    }
    console.log(`h03: ${JSON.stringify(report)}`)

    for (const o of oldOut) {
      const p = phase(o)
      if (p === 'before') expect(o.kind, JSON.stringify(o)).toBe('success')
      if (p === 'after') {
        expect(o.status, JSON.stringify(o)).toBe(401)
        expect(o.why).toMatch(/^unauthorized: Unauthorized/)
      }
      // Overlapping the reload either answer is right, nothing else is.
      if (p === 'during') expect(o.kind === 'success' || o.status === 401, JSON.stringify(o)).toBe(true)
    }
    expect(oldOut.filter((o) => phase(o) === 'after').length).toBeGreaterThanOrEqual(30)
    expect(newOut.every((o) => o.kind === 'success')).toBe(true)
    for (const h of heldOut) {
      expect(h.status).toBe(200)
      expect(h.text).toContain('event: message_stop')
      expect(streamedText(h.text)).toBe(GATED_TEXT)
    }
    ws.close()

    expect(gw.stderr).not.toMatch(/gateway auth not changed|unhandled error/)
    expect(await gw.stop()).toBe(0)
    expect(storeHealth(home.storePath())).toEqual(HEALTHY)
  }, 45_000)
})
