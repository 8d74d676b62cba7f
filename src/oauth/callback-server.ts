/**
 * The loopback listener that receives the authorization server's redirect. It binds to a
 * loopback address only, answers only the callback path, and ignores (with a 400 page)
 * redirects whose `state` is not this login's, so a stale browser tab cannot end the login.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { sameState } from './pkce.ts'

export interface CallbackResult {
  code: string
  state: string
}

export interface CallbackServer {
  redirectUri: string
  /** Resolves with the first redirect carrying our state; rejects on an `error=` redirect. */
  result: Promise<CallbackResult>
  close(): Promise<void>
}

const LOOPBACK = new Map([
  ['localhost', '127.0.0.1'],
  ['127.0.0.1', '127.0.0.1'],
  ['[::1]', '::1'],
  ['::1', '::1'],
])

/** OPENCLAW_OAUTH_CALLBACK_HOST may pick another loopback spelling; anything else is refused. */
export function callbackHost(override: string | undefined): { uriHost: string; bindAddress: string } {
  const host = (override ?? 'localhost').trim().toLowerCase()
  const bind = LOOPBACK.get(host)
  if (!bind) {
    throw new Error(
      `OPENCLAW_OAUTH_CALLBACK_HOST must be a loopback host (localhost, 127.0.0.1 or [::1]); got "${host.slice(0, 40)}"`,
    )
  }
  return { uriHost: host === '::1' ? '[::1]' : host, bindAddress: bind }
}

export async function startCallbackServer(opts: {
  port: number
  path: string
  state: string
  hostOverride?: string
}): Promise<CallbackServer> {
  const { uriHost, bindAddress } = callbackHost(opts.hostOverride)
  let settle: { resolve: (r: CallbackResult) => void; reject: (e: Error) => void } | undefined
  const result = new Promise<CallbackResult>((resolve, reject) => {
    settle = { resolve, reject }
  })
  void result.catch(() => undefined)
  const page = (res: http.ServerResponse, status: number, text: string) => {
    res
      .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(`<!doctype html><meta charset="utf-8"><title>openclaw</title><p>${text}</p>`)
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (req.method !== 'GET' || url.pathname !== opts.path) return page(res, 404, 'Not found.')
    const state = url.searchParams.get('state') ?? ''
    if (!sameState(state, opts.state)) {
      return page(res, 400, 'This sign-in link is from another login attempt. Start the login again.')
    }
    const error = url.searchParams.get('error')
    if (error) {
      page(res, 400, 'Sign-in was not completed. You can close this tab and check the terminal.')
      const desc = (url.searchParams.get('error_description') ?? '')
        .replace(/[^\x20-\x7e]/g, ' ')
        .slice(0, 200)
      settle?.reject(
        new Error(`the authorization server returned ${error.slice(0, 60)}${desc ? `: ${desc}` : ''}`),
      )
      return
    }
    const code = url.searchParams.get('code')
    if (!code) return page(res, 400, 'The redirect carried no authorization code.')
    page(res, 200, 'Signed in. You can close this tab and return to the terminal.')
    settle?.resolve({ code, state })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, bindAddress, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  return {
    redirectUri: `http://${uriHost}:${port}${opts.path}`,
    result,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
