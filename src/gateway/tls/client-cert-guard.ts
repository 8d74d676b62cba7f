/**
 * Defence in depth for required client certificates (F-13): the handshake already refuses a
 * missing, foreign or expired certificate (`rejectUnauthorized: true`), and every request and
 * WebSocket upgrade is checked again against `socket.authorized`, so a server that somehow runs
 * with `rejectUnauthorized: false` still serves nobody without a verified certificate. Only
 * installed when client certificates are required: the plain path pays nothing.
 */
import type http from 'node:http'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'

type Log = (level: 'warn', message: string) => void

export const CLIENT_CERT_MESSAGE =
  'A valid client certificate is required (gateway.tls.clientAuth is "require").'

/** True only for a TLS socket whose peer certificate chain verified against the client CA. */
export function clientCertVerified(socket: unknown): boolean {
  return (socket as Partial<TLSSocket> | null)?.authorized === true
}

function reason(socket: unknown): string {
  const e = (socket as Partial<TLSSocket> | null)?.authorizationError
  return e ? String(e) : 'no certificate'
}

export function guardRequests(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  log: Log,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    if (clientCertVerified(req.socket)) return handler(req, res)
    log('warn', `refused ${req.socket.remoteAddress}: client_cert_unverified (${reason(req.socket)})`)
    const body = JSON.stringify({
      error: { type: 'authentication_error', code: 'client_cert_required', message: CLIENT_CERT_MESSAGE },
    })
    res.writeHead(401, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    })
    res.end(body)
  }
}

export function guardUpgrades(
  handler: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void,
  log: Log,
): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    if (clientCertVerified(req.socket)) return handler(req, socket, head)
    log(
      'warn',
      `refused upgrade from ${req.socket.remoteAddress}: client_cert_unverified (${reason(req.socket)})`,
    )
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  }
}
