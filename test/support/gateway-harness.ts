/**
 * Starts the real gateway in-process on 127.0.0.1:0 against a temp state dir whose config
 * points the providers at a mock provider server. Same code path as `openclaw gateway`.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Credential } from '../../src/auth/types.ts'
import { GatewayState } from '../../src/gateway/gateway-state.ts'
import { type GatewayHandle, type GatewayOptions, startGateway } from '../../src/gateway/server.ts'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { CANARY_DIR, makeTempHome, recordArtifact, type TempHome } from './cli.ts'
import type { MockProvider } from './mock-provider/index.ts'

export interface TestGateway {
  url: string
  home: TempHome
  handle: GatewayHandle
  state: GatewayState
  logs: string[]
  env: Record<string, string>
  /** `keepHome`: leave the state dir for a restarted gateway (the next close removes it). */
  close(opts?: { keepHome?: boolean }): Promise<void>
}

export function providerConfig(mock: MockProvider): Record<string, unknown> {
  return {
    anthropic: { baseUrl: mock.url, api: 'anthropic-messages' },
    openai: { baseUrl: `${mock.url}/v1`, api: 'openai-completions' },
    google: { baseUrl: `${mock.url}/v1beta`, api: 'google-generative-ai' },
  }
}

export async function startTestGateway(opts: {
  mock: MockProvider
  config?: Record<string, unknown>
  env?: Record<string, string>
  profiles?: Record<string, Credential>
  agentId?: string
  /** Runs after the config is written, before the gateway starts (e.g. plant legacy files). */
  setup?: (home: TempHome) => void
  /** Internal server switches (see src/gateway/tls/create-server.ts). */
  internal?: GatewayOptions['internal']
  /** Certificate rotation check interval (the product's default is 5 s). */
  tlsPollMs?: number
  /** Start on an existing home (a restart: its stores are kept; openclaw.json is written again from `config`). */
  home?: TempHome
}): Promise<TestGateway> {
  const home = opts.home ?? makeTempHome()
  const config = { models: { providers: providerConfig(opts.mock) }, ...(opts.config ?? {}) }
  home.writeConfig(config)
  opts.setup?.(home)
  if (opts.profiles) {
    const store = CredentialStore.open(home.storePath(opts.agentId ?? 'main'))
    for (const [id, cred] of Object.entries(opts.profiles)) store.upsertProfile(id, cred)
    store.close()
  }
  const env = { ...home.env, ...(opts.env ?? {}) }
  const logs: string[] = []
  const log = (level: string, msg: string) => logs.push(`${level}: ${msg}`)
  // Debug lines on in every in-process gateway: what they print reaches the canary scan on
  // every run (G-01), not only in a debug test.
  const state = GatewayState.open({ env, cwd: home.home, log, pollMs: 25, flushMs: 60_000, debug: true })
  const handle = await startGateway({
    port: 0,
    bind: '127.0.0.1',
    version: 'test',
    env,
    cwd: home.home,
    log,
    state,
    ...(opts.internal ? { internal: opts.internal } : {}),
    ...(opts.tlsPollMs !== undefined ? { tlsPollMs: opts.tlsPollMs } : {}),
  })
  state.startWatching()
  captureClientResponses(handle.url)
  return {
    url: handle.url,
    home,
    handle,
    state,
    logs,
    env,
    async close(closeOpts) {
      await handle.close()
      state.close()
      recordArtifact('gateway-logs', { logs: logs.join('\n') })
      if (closeOpts?.keepHome) return
      snapshotStateDir(home.stateDir)
      fs.rmSync(home.home, { recursive: true, force: true })
    },
  }
}

let snapshotSeq = 0

/** Copies a state dir (stores closed) into the canary registry before the test deletes it. */
export function snapshotStateDir(stateDir: string): void {
  try {
    if (!fs.existsSync(stateDir)) return
    const dir = path.join(CANARY_DIR, 'snapshots', `${process.pid}-${++snapshotSeq}`)
    fs.cpSync(stateDir, path.join(dir, 'state'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'source.txt'), stateDir)
  } catch {
    // Recording never fails a test.
  }
}

const capturedOrigins = new Set<string>()
let originalFetch: typeof fetch | undefined

/**
 * From now on, responses from `url`'s origin that this process receives through the global fetch
 * (the official SDKs use it too) are copied into the canary registry as the client reads them:
 * status, headers and body bytes. Nothing is buffered ahead of the client and a cancel still
 * reaches the connection, so streaming and abort behaviour are unchanged.
 */
export function captureClientResponses(url: string): void {
  capturedOrigins.add(new URL(url).origin)
  if (originalFetch) return
  const original = globalThis.fetch
  originalFetch = original
  globalThis.fetch = async function capturingFetch(input: string | URL | Request, init?: RequestInit) {
    const res = await original(input, init)
    let origin: string | undefined
    try {
      origin = new URL(input instanceof Request ? input.url : String(input)).origin
    } catch {
      return res
    }
    return capturedOrigins.has(origin) ? recordingResponse(res) : res
  } as typeof fetch
}

function recordingResponse(res: Response): Response {
  const head = `HTTP ${res.status} ${res.statusText}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`
  if (res.body === null || res.status < 200 || res.status > 599) {
    recordArtifact('http-response', { head })
    return res
  }
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let saved = false
  const save = (note: string) => {
    if (saved) return
    saved = true
    recordArtifact('http-response', { head, body: Buffer.concat(chunks), end: note })
  }
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let step: Awaited<ReturnType<typeof reader.read>>
      try {
        step = await reader.read()
      } catch (err) {
        save('error')
        throw err
      }
      if (step.done) {
        save('complete')
        controller.close()
        return
      }
      chunks.push(step.value)
      controller.enqueue(step.value)
    },
    cancel(reason) {
      save('cancelled')
      return reader.cancel(reason)
    },
  })
  const copy = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers })
  for (const key of ['url', 'redirected', 'type'] as const)
    Object.defineProperty(copy, key, { value: res[key] })
  return copy
}

/** Polls `check` until it returns true or the deadline passes (no fixed sleeps). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}
