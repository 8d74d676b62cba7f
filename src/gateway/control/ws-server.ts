/**
 * The `/ws` endpoint. A connection must authenticate with its first frame (or, in
 * trusted-proxy mode, with the upgrade request's headers) within a deadline; only then does it
 * receive events and may call methods. Failed connects count against the failed-auth limiter.
 * What a connection may call is fixed at connect by the credential's server-side scopes (F-10):
 * `scopes`/`role` fields in the connect frame or in params are never read.
 */
import type http from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocket, WebSocketServer } from 'ws'
import { takeWriteNotices } from '../../config/write-notices.ts'
import { lazyRequire } from '../../util/lazy-require.ts'
import type { AuthResult, GatewayAuth } from '../auth/gateway-auth.ts'
import {
  EVENT_SCOPE,
  hasScope,
  methodScope,
  missingScopeMessage,
  type ScopeSet,
  scopeNames,
} from '../auth/scopes.ts'
import type { Logger } from '../gateway-state.ts'
import type { ChatEventPayload } from '../runs.ts'
import { METHODS, type MethodDeps } from './methods.ts'
import { ControlError, event, parseFrame, res, resError } from './protocol.ts'

export interface ControlServerDeps extends MethodDeps {
  auth: () => GatewayAuth
  log: Logger
  version: string
  connectTimeoutMs?: number
}

/** ws's WebSocket.OPEN, without loading the module for a constant. */
const OPEN = 1

export class ControlServer {
  /**
   * Created on the first upgrade: `ws` (and the zlib and crypto parts it pulls in) is a good
   * share of a gateway start, and most gateways never get a control connection.
   */
  private wss: WebSocketServer | undefined
  private wssLoading: Promise<WebSocketServer> | undefined
  private closed = false
  /** Authenticated connections and what their credential may do. */
  private readonly clients = new Map<WebSocket, { scopes: ScopeSet; principal?: string }>()
  private readonly deps: ControlServerDeps
  private readonly healthTimer: NodeJS.Timeout
  private readonly onChat: (p: ChatEventPayload) => void

  constructor(deps: ControlServerDeps) {
    this.deps = deps
    // Subscribed only while a client is connected: a listener makes every run build its event
    // payload, which no request should pay for when nobody watches.
    this.onChat = (p: ChatEventPayload) => {
      if (this.clients.size > 0) this.broadcast(event('chat', p))
    }
    this.healthTimer = setInterval(() => {
      if (this.clients.size > 0) this.broadcast(event('health', this.health()))
    }, 30_000)
    this.healthTimer.unref()
  }

  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.wss) {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req))
      return
    }
    // The socket buffers what the client sends meanwhile: no data listener is attached yet.
    this.wssLoading ??= Promise.resolve().then(() => {
      const { WebSocketServer: Server } = lazyRequire('ws') as typeof import('ws')
      return new Server({ noServer: true, maxPayload: 1024 * 1024 })
    })
    this.wssLoading.then(
      (wss) => {
        if (this.closed) {
          wss.close()
          socket.destroy()
          return
        }
        this.wss = wss
        wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req))
      },
      (err: unknown) => {
        this.deps.log('error', `control plane unavailable: ${(err as Error).message}`)
        socket.destroy()
      },
    )
  }

  private onConnection(ws: WebSocket, req: http.IncomingMessage): void {
    const { state, log } = this.deps
    let authed = false
    let connecting = false
    const peer = req.socket.remoteAddress
    const accept = (v: Extract<AuthResult, { ok: true }>) => {
      authed = true
      clearTimeout(timer)
      const grant = { scopes: v.scopes, ...(v.principal ? { principal: v.principal } : {}) }
      if (this.clients.size === 0) this.deps.runs.on('chat', this.onChat)
      this.clients.set(ws, grant)
      const reads = hasScope(v.scopes, EVENT_SCOPE)
      ws.send(
        res('connect', {
          server: { version: this.deps.version },
          auth: { scopes: scopeNames(v.scopes), ...(v.principal ? { client: v.principal } : {}) },
          methods: Object.keys(METHODS).filter((m) => hasScope(v.scopes, methodScope(m))),
          events: reads ? ['chat', 'health'] : [],
        }),
      )
      if (reads) ws.send(event('health', this.health()))
    }
    const refuse = (code: string, status: number, retryAfterMs?: number) => {
      log('warn', `control connection refused from ${peer}: ${code}`)
      const message = status === 429 ? 'too many failed attempts; retry later' : 'unauthorized'
      ws.send(
        JSON.stringify({
          type: 'res',
          id: 'connect',
          ok: false,
          error: { code: 'UNAUTHORIZED', message, ...(retryAfterMs ? { retryAfterMs } : {}) },
        }),
      )
      ws.close(status === 429 ? 4429 : 4401, message)
    }
    const timer = setTimeout(() => {
      if (!authed) ws.close(4408, 'connect frame not received in time')
    }, this.deps.connectTimeoutMs ?? 10_000)
    ws.on('close', () => {
      clearTimeout(timer)
      if (this.clients.delete(ws) && this.clients.size === 0) this.deps.runs.off('chat', this.onChat)
    })
    ws.on('error', () => ws.terminate())
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only')
      let frame: ReturnType<typeof parseFrame>
      try {
        frame = parseFrame(data.toString())
      } catch (err) {
        return ws.send(resError('?', err as ControlError))
      }
      if (frame.type === 'connect') {
        if (authed || connecting)
          return ws.send(resError('connect', new ControlError('INVALID_REQUEST', 'already connected')))
        const auth = frame.auth ?? {}
        const secret =
          typeof auth.token === 'string'
            ? auth.token
            : typeof auth.password === 'string'
              ? auth.password
              : undefined
        const settle = (verdict: AuthResult) => {
          connecting = false
          if (ws.readyState !== OPEN) return
          if (verdict.ok) accept(verdict)
          else refuse(verdict.code, verdict.status, verdict.status === 429 ? verdict.retryAfterMs : undefined)
        }
        const verdict = this.deps
          .auth()
          .authenticate(
            { peer, headers: req.headers, ...(secret !== undefined ? { frameSecret: secret } : {}) },
            state.clock(),
          )
        if (!(verdict instanceof Promise)) return settle(verdict)
        connecting = true
        return void verdict.then(settle)
      }
      if (!authed)
        return ws.send(resError(frame.id, new ControlError('UNAUTHORIZED', 'send a connect frame first')))
      void this.dispatch(ws, frame.id, frame.method, frame.params)
    })
  }

  private async dispatch(
    ws: WebSocket,
    id: string,
    method: string,
    params: Record<string, unknown>,
  ): Promise<void> {
    const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined
    if (!handler) return void ws.send(resError(id, new ControlError('NOT_FOUND', `unknown method ${method}`)))
    const grant = this.clients.get(ws)
    const needed = methodScope(method)
    if (!grant || !hasScope(grant.scopes, needed)) {
      this.deps.log(
        'warn',
        `control method ${method} refused${grant?.principal ? ` for client ${grant.principal}` : ''}: needs ${needed}`,
      )
      return void ws.send(
        resError(id, new ControlError('FORBIDDEN', missingScopeMessage(needed, method, grant?.principal))),
      )
    }
    try {
      const payload = await handler(params, this.deps)
      if (ws.readyState === OPEN) ws.send(res(id, payload))
    } catch (err) {
      const e = err instanceof ControlError ? err : new ControlError('INTERNAL', 'method failed')
      if (!(err instanceof ControlError))
        this.deps.log('error', `control method ${method} failed: ${(err as Error).message}`)
      if (ws.readyState === OPEN) ws.send(resError(id, e))
    } finally {
      // A method that rewrote openclaw.json (logout) may have a notice for the operator.
      for (const n of takeWriteNotices()) this.deps.log('warn', n)
    }
  }

  /** Re-checks every connection after a config reload: a rotated token ends old sessions (F-08). */
  closeAll(code = 4401, reason = 'gateway auth changed; reconnect'): void {
    for (const ws of this.clients.keys()) ws.close(code, reason)
  }

  private broadcast(text: string): void {
    for (const [ws, grant] of this.clients)
      if (ws.readyState === OPEN && hasScope(grant.scopes, EVENT_SCOPE)) ws.send(text)
  }

  private health() {
    return { ok: true, runs: this.deps.runs.list().length, ts: this.deps.state.clock() }
  }

  close(): void {
    clearInterval(this.healthTimer)
    for (const ws of this.clients.keys()) ws.terminate()
    this.closed = true
    this.wss?.close()
  }
}
