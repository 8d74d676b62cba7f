/**
 * The `/ws` endpoint. A connection must authenticate with its first frame (or, in
 * trusted-proxy mode, with the upgrade request's headers) within a deadline; only then does it
 * receive events and may call methods. Failed connects count against the failed-auth limiter.
 */
import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import type { GatewayAuth } from '../auth/gateway-auth.ts'
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

export class ControlServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  private readonly clients = new Set<WebSocket>()
  private readonly deps: ControlServerDeps
  private readonly healthTimer: NodeJS.Timeout

  constructor(deps: ControlServerDeps) {
    this.deps = deps
    // Serialising an event nobody receives would cost every request; check for listeners first.
    deps.runs.on('chat', (p: ChatEventPayload) => {
      if (this.clients.size > 0) this.broadcast(event('chat', p))
    })
    this.healthTimer = setInterval(() => {
      if (this.clients.size > 0) this.broadcast(event('health', this.health()))
    }, 30_000)
    this.healthTimer.unref()
  }

  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req))
  }

  private onConnection(ws: WebSocket, req: http.IncomingMessage): void {
    const { state, log } = this.deps
    let authed = false
    const peer = req.socket.remoteAddress
    const accept = () => {
      authed = true
      clearTimeout(timer)
      this.clients.add(ws)
      ws.send(
        res('connect', {
          server: { version: this.deps.version },
          methods: Object.keys(METHODS),
          events: ['chat', 'health'],
        }),
      )
      ws.send(event('health', this.health()))
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
      this.clients.delete(ws)
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
        if (authed)
          return ws.send(resError('connect', new ControlError('INVALID_REQUEST', 'already connected')))
        const auth = frame.auth ?? {}
        const secret =
          typeof auth.token === 'string'
            ? auth.token
            : typeof auth.password === 'string'
              ? auth.password
              : undefined
        const verdict = this.deps
          .auth()
          .authenticate(
            { peer, headers: req.headers, ...(secret !== undefined ? { frameSecret: secret } : {}) },
            state.clock(),
          )
        return verdict.ok
          ? accept()
          : refuse(verdict.code, verdict.status, verdict.status === 429 ? verdict.retryAfterMs : undefined)
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
    const handler = METHODS[method]
    if (!handler) return void ws.send(resError(id, new ControlError('NOT_FOUND', `unknown method ${method}`)))
    try {
      const payload = await handler(params, this.deps)
      if (ws.readyState === WebSocket.OPEN) ws.send(res(id, payload))
    } catch (err) {
      const e = err instanceof ControlError ? err : new ControlError('INTERNAL', 'method failed')
      if (!(err instanceof ControlError))
        this.deps.log('error', `control method ${method} failed: ${(err as Error).message}`)
      if (ws.readyState === WebSocket.OPEN) ws.send(resError(id, e))
    }
  }

  /** Re-checks every connection after a config reload: a rotated token ends old sessions (F-08). */
  closeAll(code = 4401, reason = 'gateway auth changed; reconnect'): void {
    for (const ws of this.clients) ws.close(code, reason)
  }

  private broadcast(text: string): void {
    for (const ws of this.clients) if (ws.readyState === WebSocket.OPEN) ws.send(text)
  }

  private health() {
    return { ok: true, runs: this.deps.runs.list().length, ts: this.deps.state.clock() }
  }

  close(): void {
    clearInterval(this.healthTimer)
    for (const ws of this.clients) ws.terminate()
    this.wss.close()
  }
}
