/**
 * The gateway's HTTP server: a tiny router on node:http (hono's Request/Response conversion
 * costs throughput on the hot path). Paths are canonicalised once and the same canonical path
 * is routed, so no encoding trick can reach a route by another spelling.
 */
import type http from 'node:http'
import type https from 'node:https'
import type { AddressInfo } from 'node:net'
import { yieldToLoop } from '../util/yield-to-loop.ts'
import { authFingerprint, buildAuth } from './auth/build-auth.ts'
import type { AuthResult } from './auth/gateway-auth.ts'
import { SCOPE } from './auth/scopes.ts'
import { forbid, refuse } from './auth-answers.ts'
import { canonicalPath } from './canonical-path.ts'
import { ControlServer } from './control/ws-server.ts'
import type { InboundApi } from './error-response.ts'
import { GatewayState, type GatewayStateOptions, type Logger } from './gateway-state.ts'
import { handleChat } from './handle-chat.ts'
import { headerValue, sendJson } from './http-util.ts'
import { sendModels } from './models-route.ts'
import { writeGatewayError } from './respond.ts'
import { RunRegistry } from './runs.ts'
import { type CreateServerOptions, createGatewayServer } from './tls/create-server.ts'
import type { TlsFlags } from './tls/tls-settings.ts'
import { startupTls, watchTls } from './tls/watch-tls.ts'
import { undiciParts } from './upstream.ts'

export interface GatewayHandle {
  url: string
  port: number
  state: GatewayState
  runs: RunRegistry
  close(): Promise<void>
}

export interface GatewayOptions extends GatewayStateOptions {
  port: number
  bind: string
  version: string
  log?: Logger
  /** Use an already open state (tests, benchmarks); otherwise opened from env. */
  state?: GatewayState
  /** `--tls-cert` / `--tls-key`; otherwise `gateway.tls` decides. */
  tls?: TlsFlags
  /** How often the certificate files are checked for a rotation (default 5 s; also on reload). */
  tlsPollMs?: number
  /** Internal switches for tests (see create-server.ts). */
  internal?: CreateServerOptions
}

export async function startGateway(opts: GatewayOptions): Promise<GatewayHandle> {
  const log: Logger = opts.log ?? (() => {})
  const state = opts.state ?? GatewayState.open({ ...opts, log })
  const runs = new RunRegistry()
  const startedAt = Date.now()
  await state.activateSecrets()
  await yieldToLoop()
  const serverTls = startupTls(state, { ...opts.tls, cwd: opts.cwd }, log)
  const certsRequired = serverTls?.clientCertsRequired === true
  let auth = buildAuth(state, opts.bind, certsRequired)
  let authPrint = authFingerprint(state)
  const control = new ControlServer({ state, runs, auth: () => auth, log, version: opts.version })
  // A reload re-resolves the gateway secrets: a rotated token applies to the next request, and
  // WebSocket sessions authenticated with the old one are closed (F-08). A reload that would
  // leave the gateway without valid auth keeps the previous settings and says why.
  const onReloaded = () => {
    try {
      auth = buildAuth(state, opts.bind, certsRequired, auth)
      const next = authFingerprint(state)
      if (next !== authPrint) {
        control.closeAll()
        // "config reloaded" is logged before the secrets are re-resolved (an exec ref can take
        // seconds); this line is the moment the old credential stops working.
        log(
          'info',
          'gateway client auth changed: the new settings apply from the next request; WebSocket sessions closed',
        )
      }
      authPrint = next
    } catch (err) {
      log('error', `gateway auth not changed: ${(err as Error).message}`)
    }
  }
  state.on('reloaded', onReloaded)
  const chatDeps = { state, runs, log }
  const onUnhandled = (req: http.IncomingMessage, res: http.ServerResponse, err: unknown) => {
    log('error', `unhandled error on ${req.method} ${req.url}: ${(err as Error)?.message ?? String(err)}`)
    if (!res.headersSent)
      sendJson(res, 500, { error: { type: 'api_error', message: 'internal gateway error' } })
    else res.destroy()
  }
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      route(req, res)?.catch((err: unknown) => onUnhandled(req, res, err))
    } catch (err) {
      onUnhandled(req, res, err)
    }
  }
  // Not async: only chat routes (and a password still being verified) return a promise, and an
  // extra wrapper costs every request.
  const route = (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> | undefined => {
    const path = canonicalPath(req.url ?? '/')
    if (path === undefined) {
      sendJson(res, 400, { error: { type: 'invalid_request_error', message: 'Malformed request path.' } })
      return undefined
    }
    const method = req.method ?? 'GET'
    const inbound: InboundApi =
      path.startsWith('/v1/messages') || headerValue(req, 'anthropic-version') ? 'anthropic' : 'openai'
    // One decision on the canonical path for every route; /health is the only public one and
    // says more to an authenticated caller.
    // Scopes are the verified credential's (F-10); nothing in the request can add to them.
    const pending = auth.authenticate({ peer: req.socket.remoteAddress, headers: req.headers }, state.clock())
    if (pending instanceof Promise) return pending.then((v) => dispatch(req, res, path, method, inbound, v))
    return dispatch(req, res, path, method, inbound, pending)
  }
  const dispatch = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    method: string,
    inbound: InboundApi,
    verdict: AuthResult,
  ): Promise<void> | undefined => {
    if (path === '/health' && method === 'GET') {
      sendJson(
        res,
        200,
        verdict.ok && verdict.scopes & SCOPE.read
          ? { ok: true, version: opts.version, uptimeMs: Date.now() - startedAt, runs: runs.list().length }
          : { ok: true },
      )
      return undefined
    }
    if (!verdict.ok) {
      refuse(res, inbound, verdict, log)
      return undefined
    }
    if (path === '/v1/chat/completions' && method === 'POST') {
      if (verdict.scopes & SCOPE.chat) return handleChat('openai', req, res, chatDeps)
      forbid(res, inbound, verdict, 'chat', `${method} ${path}`, log)
    } else if (path === '/v1/messages' && method === 'POST') {
      if (verdict.scopes & SCOPE.chat) return handleChat('anthropic', req, res, chatDeps)
      forbid(res, inbound, verdict, 'chat', `${method} ${path}`, log)
    } else if (path === '/v1/models' && method === 'GET') {
      if (verdict.scopes & SCOPE.read) sendModels(req, res, state)
      else forbid(res, inbound, verdict, 'read', `${method} ${path}`, log)
    } else {
      writeGatewayError(res, inbound, {
        status: 404,
        kind: 'not_found',
        message: `No route for ${method} ${path}.`,
      })
    }
    return undefined
  }
  const server = createGatewayServer(
    serverTls,
    onRequest,
    (req, socket, head) => {
      if (canonicalPath(req.url ?? '/') !== '/ws') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      control.handleUpgrade(req, socket, head)
    },
    log,
    opts.internal,
  )
  server.keepAliveTimeout = 65_000
  const stopTlsWatch = serverTls
    ? watchTls({
        server: server as https.Server,
        current: serverTls,
        flags: { ...opts.tls, cwd: opts.cwd },
        state,
        log,
        ...(opts.tlsPollMs !== undefined ? { pollMs: opts.tlsPollMs } : {}),
      })
    : undefined
  // The upstream client's modules load in a turn of their own before the first request.
  await yieldToLoop()
  undiciParts()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.bind, () => {
      server.off('error', reject)
      resolve()
    })
  })
  if (!opts.state) state.startWatching()
  const addr = server.address() as AddressInfo
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
  return {
    url: `${serverTls ? 'https' : 'http'}://${host}:${addr.port}`,
    port: addr.port,
    state,
    runs,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of runs.list()) runs.abort(r.id, 'gateway-shutdown')
        state.off('reloaded', onReloaded)
        stopTlsWatch?.()
        control.close()
        server.close(() => {
          if (!opts.state) state.close()
          resolve()
        })
        server.closeAllConnections()
      }),
  }
}
