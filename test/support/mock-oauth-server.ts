/**
 * A fake OAuth authorization server on 127.0.0.1 that behaves like the strict real ones
 * (security 2.0 harness): single-use refresh tokens, and presenting a rotated-out refresh
 * token revokes the whole token family. Knobs script the next answers (5xx, malformed JSON,
 * odd expires_in, hang until released, commit-then-drop). Authorization code + PKCE for logins.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type TokenBehavior =
  | { kind: 'ok'; expiresIn?: unknown; omitRefresh?: boolean }
  | { kind: 'error'; status: number; body: unknown }
  | { kind: 'malformed'; status?: number; text?: string }
  /** Holds the answer until release(); then answers normally. */
  | { kind: 'hang' }
  /** Rotates the token family, then destroys the connection without answering (C-04). */
  | { kind: 'drop-after-commit' }

export interface RefreshCall {
  refreshToken: string
  at: number
  outcome: 'rotated' | 'reused' | 'unknown' | 'scripted' | 'dropped'
}

export interface Family {
  id: string
  accountId: string
  email: string
  revoked: boolean
  current: { access: string; refresh: string }
  spent: Set<string>
}

export interface MockOAuthServer {
  url: string
  tokenUrl: string
  authorizeUrl: string
  clientId: string
  refreshCalls: RefreshCall[]
  codeExchanges: number
  /** Token requests received so far (held ones included). */
  tokenRequestCount: number
  /** A fresh token family (what a login would have stored). */
  issueFamily(opts?: { accountId?: string; email?: string }): Family
  family(id: string): Family | undefined
  /** Behaviors for the next token requests, consumed in order; default is ok. */
  script(...b: TokenBehavior[]): void
  /** Answers every held (hang) request. */
  release(): void
  /** Resolves when `n` token requests have arrived (counted from server start). */
  waitForTokenRequests(n: number): Promise<void>
  /**
   * 'issued' (Family, { access, refresh }) synchronously whenever a token pair is minted, before
   * it is sent; 'revoked' (Family) when a reuse revokes a family. Lets a resource server (the
   * mock provider) accept exactly the access tokens this server handed out.
   */
  events: EventEmitter
  close(): Promise<void>
}

export interface MockOAuthOptions {
  /** `expires_in` of refresh answers that do not script one (default 3600 s). */
  expiresIn?: number
  /**
   * Makes the random part of minted tokens (refresh token, access token `jti`), e.g. `canary`,
   * so the canary scan also looks for every token this server hands out.
   */
  secret?: (prefix: string) => string
}

export const OAUTH_CLIENT_ID = 'app_mock_client'

function b64url(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url')
}

export function fakeJwt(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.${randomBytes(8).toString('base64url')}`
}

export async function startMockOAuthServer(opts: MockOAuthOptions = {}): Promise<MockOAuthServer> {
  const events = new EventEmitter()
  const families = new Map<string, Family>()
  const byRefresh = new Map<string, Family>()
  const codes = new Map<
    string,
    { challenge: string; redirectUri: string; family: Family; clientId: string }
  >()
  const queue: TokenBehavior[] = []
  const held: Array<() => void> = []
  const waiters: Array<{ n: number; resolve: () => void }> = []
  let tokenRequests = 0
  const refreshCalls: RefreshCall[] = []
  const state = { codeExchanges: 0 }

  const mint = (f: Family) => {
    const access = fakeJwt({
      sub: `user-${f.accountId}`,
      jti: opts.secret ? opts.secret('at-') : randomUUID(),
      'https://api.openai.com/auth': { chatgpt_account_id: f.accountId },
    })
    const refresh = opts.secret ? opts.secret('rt-') : `rt-${randomBytes(18).toString('base64url')}`
    f.current = { access, refresh }
    byRefresh.set(refresh, f)
    events.emit('issued', f, f.current)
    return f.current
  }

  const issueFamily = (o: { accountId?: string; email?: string } = {}): Family => {
    const f: Family = {
      id: randomUUID(),
      accountId: o.accountId ?? `acct-${randomBytes(4).toString('hex')}`,
      email: o.email ?? 'user@example.com',
      revoked: false,
      current: { access: '', refresh: '' },
      spent: new Set(),
    }
    families.set(f.id, f)
    mint(f)
    return f
  }

  const tokenBody = (f: Family, b: Extract<TokenBehavior, { kind: 'ok' }> | undefined) => {
    const t = f.current
    return {
      access_token: t.access,
      token_type: 'Bearer',
      ...(b?.omitRefresh ? {} : { refresh_token: t.refresh }),
      ...(b && 'expiresIn' in b
        ? b.expiresIn === undefined
          ? {}
          : { expires_in: b.expiresIn }
        : { expires_in: opts.expiresIn ?? 3600 }),
      id_token: fakeJwt({ sub: `user-${f.accountId}`, email: f.email }),
    }
  }

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }

  const reused = {
    error: {
      message:
        'Your refresh token has already been used to generate a new access token. Please try signing in again.',
      type: 'invalid_request_error',
      code: 'refresh_token_reused',
    },
  }

  const handleRefresh = (res: http.ServerResponse, token: string, b: TokenBehavior | undefined) => {
    const f = byRefresh.get(token)
    const call: RefreshCall = { refreshToken: token, at: Date.now(), outcome: 'unknown' }
    refreshCalls.push(call)
    if (b && b.kind !== 'ok' && b.kind !== 'drop-after-commit') {
      call.outcome = 'scripted'
      if (b.kind === 'error') return send(res, b.status, b.body)
      if (b.kind === 'hang') return send(res, 500, { error: 'hang is handled by the caller' })
      return res
        .writeHead(b.status ?? 200, { 'content-type': 'application/json' })
        .end(b.text ?? '{"access_token": ')
    }
    if (!f) return send(res, 400, { error: 'invalid_grant', error_description: 'unknown refresh token' })
    if (f.revoked || f.spent.has(token) || f.current.refresh !== token) {
      // Reuse of a rotated-out token: revoke the whole family, like real providers do.
      const first = !f.revoked
      f.revoked = true
      call.outcome = 'reused'
      if (first) events.emit('revoked', f)
      return send(res, 400, reused)
    }
    f.spent.add(token)
    mint(f)
    if (b?.kind === 'drop-after-commit') {
      call.outcome = 'dropped'
      res.socket?.destroy()
      return
    }
    call.outcome = 'rotated'
    send(res, 200, tokenBody(f, b?.kind === 'ok' ? b : undefined))
  }

  const handleCode = (res: http.ServerResponse, p: URLSearchParams) => {
    state.codeExchanges++
    const entry = codes.get(p.get('code') ?? '')
    if (!entry) return send(res, 400, { error: 'invalid_grant', error_description: 'unknown code' })
    codes.delete(p.get('code') ?? '')
    const verifier = p.get('code_verifier') ?? ''
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    if (challenge !== entry.challenge)
      return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' })
    if (p.get('redirect_uri') !== entry.redirectUri)
      return send(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' })
    if (p.get('client_id') !== entry.clientId) return send(res, 401, { error: 'invalid_client' })
    // ChatGPT logins last days; a short lifetime would only make status warn "expiring".
    send(res, 200, tokenBody(entry.family, { kind: 'ok', expiresIn: 10 * 24 * 3600 }))
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method === 'GET' && url.pathname === '/oauth/authorize') {
      // Auto-approves as the family of `login_hint` (or a new one) and redirects back.
      const q = url.searchParams
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256') {
        return send(res, 400, { error: 'invalid_request' })
      }
      const family = issueFamily({
        email: q.get('login_hint') ?? 'user@example.com',
        accountId: 'acct-login',
      })
      const code = randomBytes(12).toString('base64url')
      const redirectUri = q.get('redirect_uri') ?? ''
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        redirectUri,
        family,
        clientId: q.get('client_id') ?? '',
      })
      const back = new URL(redirectUri)
      back.searchParams.set('code', code)
      back.searchParams.set('state', q.get('state') ?? '')
      res.writeHead(302, { location: back.toString() }).end()
      return
    }
    if (req.method === 'GET' && url.pathname === '/v1/me') {
      // A resource endpoint: 200 only for the current access token of a live family.
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '')
      const f = [...families.values()].find((x) => x.current.access === bearer)
      if (!f || f.revoked) return send(res, 401, { error: 'invalid_token' })
      return send(res, 200, { accountId: f.accountId })
    }
    if (req.method !== 'POST' || url.pathname !== '/oauth/token')
      return send(res, 404, { error: 'not_found' })
    let raw = ''
    req.setEncoding('utf8').on('data', (d) => {
      raw += d
    })
    req.on('end', () => {
      tokenRequests++
      for (const w of waiters.filter((x) => tokenRequests >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
      const p = new URLSearchParams(raw)
      const b = queue.shift()
      const answer = () =>
        p.get('grant_type') === 'refresh_token'
          ? handleRefresh(res, p.get('refresh_token') ?? '', b?.kind === 'hang' ? undefined : b)
          : handleCode(res, p)
      if (b?.kind === 'hang') held.push(answer)
      else answer()
    })
  })
  server.keepAliveTimeout = 1
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    tokenUrl: `${url}/oauth/token`,
    authorizeUrl: `${url}/oauth/authorize`,
    clientId: OAUTH_CLIENT_ID,
    refreshCalls,
    get codeExchanges() {
      return state.codeExchanges
    },
    get tokenRequestCount() {
      return tokenRequests
    },
    issueFamily,
    family: (id) => families.get(id),
    events,
    script: (...b) => {
      queue.push(...b)
    },
    release: () => {
      for (const h of held.splice(0)) h()
    },
    waitForTokenRequests: (n) =>
      tokenRequests >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const h of held.splice(0)) h()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
