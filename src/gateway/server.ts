/**
 * The gateway's HTTP server. For now it serves GET /health only; the model routes arrive with
 * the gateway issue and every other path answers a JSON 404 (never an HTML error page).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface GatewayHandle {
  url: string
  port: number
  close(): Promise<void>
}

export interface GatewayOptions {
  port: number
  bind: string
  version: string
}

export async function startGateway(opts: GatewayOptions): Promise<GatewayHandle> {
  const startedAt = Date.now()
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path === '/health') {
      return sendJson(res, 200, { ok: true, version: opts.version, uptimeMs: Date.now() - startedAt })
    }
    sendJson(res, 404, { error: { type: 'not_found', message: `No route for ${req.method} ${path}` } })
  })
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.bind, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address() as AddressInfo
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
