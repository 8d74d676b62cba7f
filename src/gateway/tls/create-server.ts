/**
 * The listening server: plain HTTP, or HTTPS with the options from server-tls.ts. With
 * required client certificates the request and upgrade handlers are wrapped by the
 * socket.authorized guard; otherwise they are installed as they are.
 */
import http from 'node:http'
import https from 'node:https'
import type { Duplex } from 'node:stream'
import { guardRequests, guardUpgrades } from './client-cert-guard.ts'
import type { ServerTls } from './server-tls.ts'

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void

export interface CreateServerOptions {
  /**
   * Tests only: complete handshakes without a verified client certificate, so the per-request
   * guard can be shown to refuse on its own (F-13 "tested both ways").
   */
  skipHandshakeVerification?: boolean
}

export function createGatewayServer(
  tls: ServerTls | undefined,
  onRequest: RequestHandler,
  onUpgrade: UpgradeHandler,
  log: (level: 'warn', message: string) => void,
  opts: CreateServerOptions = {},
): http.Server | https.Server {
  if (!tls) {
    const server = http.createServer(onRequest)
    server.on('upgrade', onUpgrade)
    return server
  }
  const options = opts.skipHandshakeVerification ? { ...tls.options, rejectUnauthorized: false } : tls.options
  const guarded = tls.clientCertsRequired
  const server = https.createServer(options, guarded ? guardRequests(onRequest, log) : onRequest)
  server.on('upgrade', guarded ? guardUpgrades(onUpgrade, log) : onUpgrade)
  // A failed handshake (no, foreign or expired client certificate) never reaches a handler;
  // say why once per connection attempt, without anything the client sent.
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    log('warn', `TLS handshake with ${socket.remoteAddress ?? 'unknown'} failed: ${err.code ?? 'error'}`)
  })
  return server
}
