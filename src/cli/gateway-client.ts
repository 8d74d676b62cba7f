/**
 * Talks to a running gateway over its /ws control protocol, so CLI changes reach it at once
 * (logout aborts that provider's runs; other edits trigger a reload). A gateway that is not
 * running is a normal answer (`reached: false`), not an error. The `ws` module is loaded
 * only when a command actually calls the gateway. With gateway.tls on it speaks wss, trusting
 * the configured certificate (and presenting the CLI's client certificate when one is set).
 */
import type tls from 'node:tls'
import type { SecretRef } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { localGatewayTls } from '../gateway/tls/local-client.ts'
import { asSecretRef } from '../secrets/ref.ts'
import { lazyRequire } from '../util/lazy-require.ts'

export type GatewayCall =
  | { reached: false; reason: string }
  | { reached: true; ok: true; payload: unknown }
  | { reached: true; ok: false; code: string; message: string }

export interface GatewayTarget {
  url: string
  secret: string | undefined
  tls?: tls.ConnectionOptions
  /** Set when a call cannot succeed (e.g. no client certificate for an mTLS gateway). */
  problem?: string
}

export function gatewayTarget(
  config: OpenclawConfig,
  env: Readonly<Record<string, string | undefined>>,
): GatewayTarget {
  const explicit = env.OPENCLAW_GATEWAY_URL
  let url: string
  if (explicit) {
    const u = new URL(explicit)
    u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:'
    u.pathname = '/ws'
    url = u.toString()
  } else {
    const port = env.OPENCLAW_GATEWAY_PORT ?? String(config.gateway?.port ?? 18789)
    url = `ws://127.0.0.1:${port}/ws`
  }
  const t = localGatewayTls(config)
  if (t.scheme === 'https') url = url.replace(/^ws:/, 'wss:')
  const a = (config.gateway?.auth ?? {}) as Record<string, unknown>
  const literal = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
  const secret =
    env.OPENCLAW_GATEWAY_TOKEN ?? literal(a.token) ?? env.OPENCLAW_GATEWAY_PASSWORD ?? literal(a.password)
  return {
    url,
    secret,
    ...(t.options ? { tls: t.options } : {}),
    ...(t.problem ? { problem: t.problem } : {}),
  }
}

/**
 * gatewayTarget, plus the gateway's own token or password when openclaw.json keeps it as a
 * SecretRef: the CLI resolves it the way the gateway does, so a ref-backed gateway accepts the
 * CLI's notifications without the secret also being exported as OPENCLAW_GATEWAY_TOKEN. A ref
 * that does not resolve leaves the call unauthenticated (the gateway then refuses, and the
 * command says so) rather than failing the command itself.
 */
export async function resolvedGatewayTarget(
  config: OpenclawConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<GatewayTarget> {
  const target = gatewayTarget(config, env)
  if (target.secret !== undefined || env.OPENCLAW_GATEWAY_TOKEN || env.OPENCLAW_GATEWAY_PASSWORD)
    return target
  const a = (config.gateway?.auth ?? {}) as Record<string, unknown>
  const refs = [asSecretRef(a.token), asSecretRef(a.password)].filter((r): r is SecretRef => r !== undefined)
  if (refs.length === 0) return target
  const { resolveSecretRefs } = await import('../secrets/resolver.ts')
  const snapshot = await resolveSecretRefs(refs, { config, env })
  for (const r of refs) {
    const got = snapshot.result(r)
    if (got?.ok) return { ...target, secret: got.value }
  }
  return target
}

export async function callGateway(
  target: GatewayTarget,
  method: string,
  params: Record<string, unknown>,
  timeoutMs = 3000,
): Promise<GatewayCall> {
  if (target.problem) return { reached: false, reason: target.problem }
  const { WebSocket } = lazyRequire('ws') as typeof import('ws')
  return new Promise((resolve) => {
    let settled = false
    const done = (r: GatewayCall) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      ws.removeAllListeners()
      ws.on('error', () => {})
      ws.terminate()
      resolve(r)
    }
    const ws = new WebSocket(target.url, {
      handshakeTimeout: Math.min(timeoutMs, 1500),
      ...(target.tls ?? {}),
    })
    const timer = setTimeout(
      () => done({ reached: false, reason: `no answer from ${target.url} within ${timeoutMs} ms` }),
      timeoutMs,
    )
    ws.on('error', (e: NodeJS.ErrnoException) =>
      done({ reached: false, reason: e.code ?? 'connection failed' }),
    )
    ws.on('unexpected-response', () => done({ reached: false, reason: 'not an openclaw gateway' }))
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'connect', auth: target.secret ? { token: target.secret } : {} })),
    )
    ws.on('message', (data: Buffer) => {
      let frame: {
        type?: string
        id?: string
        ok?: boolean
        payload?: unknown
        error?: { code: string; message: string }
      }
      try {
        frame = JSON.parse(data.toString())
      } catch {
        return done({ reached: true, ok: false, code: 'PROTOCOL', message: 'invalid frame from gateway' })
      }
      if (frame.type !== 'res') return
      if (frame.id === 'connect') {
        if (!frame.ok)
          return done({
            reached: true,
            ok: false,
            code: frame.error?.code ?? 'UNAUTHORIZED',
            message: frame.error?.message ?? 'refused',
          })
        return ws.send(JSON.stringify({ type: 'req', id: '1', method, params }))
      }
      if (frame.id === '1') {
        done(
          frame.ok
            ? { reached: true, ok: true, payload: frame.payload }
            : {
                reached: true,
                ok: false,
                code: frame.error?.code ?? 'ERROR',
                message: frame.error?.message ?? 'failed',
              },
        )
      }
    })
  })
}
