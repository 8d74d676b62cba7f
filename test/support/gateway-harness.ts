/**
 * Starts the real gateway in-process on 127.0.0.1:0 against a temp state dir whose config
 * points the providers at a mock provider server. Same code path as `openclaw gateway`.
 */
import fs from 'node:fs'
import type { Credential } from '../../src/auth/types.ts'
import { GatewayState } from '../../src/gateway/gateway-state.ts'
import { type GatewayHandle, startGateway } from '../../src/gateway/server.ts'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { makeTempHome, type TempHome } from './cli.ts'
import type { MockProvider } from './mock-provider/index.ts'

export interface TestGateway {
  url: string
  home: TempHome
  handle: GatewayHandle
  state: GatewayState
  logs: string[]
  env: Record<string, string>
  close(): Promise<void>
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
}): Promise<TestGateway> {
  const home = makeTempHome()
  const config = { models: { providers: providerConfig(opts.mock) }, ...(opts.config ?? {}) }
  home.writeConfig(config)
  if (opts.profiles) {
    const store = CredentialStore.open(home.storePath(opts.agentId ?? 'main'))
    for (const [id, cred] of Object.entries(opts.profiles)) store.upsertProfile(id, cred)
    store.close()
  }
  const env = { ...home.env, ...(opts.env ?? {}) }
  const logs: string[] = []
  const log = (level: string, msg: string) => logs.push(`${level}: ${msg}`)
  const state = GatewayState.open({ env, cwd: home.home, log, pollMs: 25, flushMs: 60_000 })
  const handle = await startGateway({
    port: 0,
    bind: '127.0.0.1',
    version: 'test',
    env,
    cwd: home.home,
    log,
    state,
  })
  state.startWatching()
  return {
    url: handle.url,
    home,
    handle,
    state,
    logs,
    env,
    async close() {
      await handle.close()
      state.close()
      fs.rmSync(home.home, { recursive: true, force: true })
    },
  }
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
