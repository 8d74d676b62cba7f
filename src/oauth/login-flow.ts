/**
 * OAuth authorization code + PKCE login (DECISIONS 7a, auth-spec 3.4): print (and, on a
 * desktop, open) the authorize URL, then take whichever arrives first - the browser's redirect
 * on the loopback listener, or the redirect URL / `code#state` pasted on stdin (headless
 * hosts) - and exchange the code at the token endpoint.
 */
import readline from 'node:readline'
import { OpenclawError } from '../errors.ts'
import { type CallbackServer, startCallbackServer } from './callback-server.ts'
import { parsePastedRedirect } from './manual-paste.ts'
import { createPkce, createState } from './pkce.ts'
import type { OAuthProviderConfig } from './provider-config.ts'
import { type FetchLike, postTokenRequest } from './token-endpoint.ts'
import type { TokenSet } from './token-response.ts'

export const DEFAULT_LOGIN_TIMEOUT_MS = 10 * 60_000

export interface LoginFlowOptions {
  oauth: OAuthProviderConfig
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Progress and instructions for the user (stderr). */
  say: (line: string) => void
  interrupted: Promise<void>
  now: () => number
  timeoutMs?: number
  callbackHost?: string
  fetch?: FetchLike
  openBrowser?: (url: string) => void
  /** Extra authorize parameters, e.g. login_hint. */
  extraParams?: Record<string, string>
}

export function buildAuthorizeUrl(
  oauth: OAuthProviderConfig,
  p: { redirectUri: string; challenge: string; state: string; extra?: Record<string, string> },
): string {
  const url = new URL(oauth.authorizeUrl)
  const q = url.searchParams
  q.set('response_type', 'code')
  q.set('client_id', oauth.clientId)
  q.set('redirect_uri', p.redirectUri)
  if (oauth.scopes.length) q.set('scope', oauth.scopes.join(' '))
  q.set('code_challenge', p.challenge)
  q.set('code_challenge_method', 'S256')
  q.set('state', p.state)
  for (const [k, v] of Object.entries({ ...oauth.authorizeParams, ...p.extra })) q.set(k, v)
  return url.toString()
}

export async function runAuthorizationCodeLogin(opts: LoginFlowOptions): Promise<TokenSet> {
  const { oauth } = opts
  const pkce = createPkce()
  const state = createState()
  let server: CallbackServer | undefined
  let redirectUri: string
  try {
    server = await startCallbackServer({
      port: oauth.redirectPort,
      path: oauth.redirectPath,
      state,
      ...(opts.callbackHost ? { hostOverride: opts.callbackHost } : {}),
    })
    redirectUri = server.redirectUri
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EADDRINUSE' && code !== 'EACCES') {
      throw new OpenclawError(
        'invalid_input',
        `Cannot start the login callback listener: ${(err as Error).message}`,
      )
    }
    // Another program holds the port: the browser's redirect will fail, pasting still works.
    redirectUri = `http://localhost:${oauth.redirectPort}${oauth.redirectPath}`
    opts.say(
      `note: port ${oauth.redirectPort} is in use, so the browser cannot hand the login back automatically.`,
    )
  }
  const authorizeUrl = buildAuthorizeUrl(oauth, {
    redirectUri,
    challenge: pkce.challenge,
    state,
    ...(opts.extraParams ? { extra: opts.extraParams } : {}),
  })
  opts.say(`Open this URL in a browser to sign in to ${oauth.provider}:`)
  opts.say('')
  opts.say(`  ${authorizeUrl}`)
  opts.say('')
  opts.say(
    'Waiting for the browser to return here. On a remote or headless machine, paste the URL the browser ended on (or code#state) and press Enter.',
  )
  opts.openBrowser?.(authorizeUrl)

  const rl = readline.createInterface({
    input: opts.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
    terminal: false,
  })
  let timer: NodeJS.Timeout | undefined
  try {
    const pasted = new Promise<string>((resolve) => {
      rl.on('line', (line) => {
        const r = parsePastedRedirect(line, state)
        if (r.ok === true) resolve(r.code)
        else if (r.ok === false) opts.say(`${r.message} Try again, or finish in the browser.`)
      })
    })
    const timeoutMs = opts.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new OpenclawError(
              'cancelled',
              `Login timed out after ${Math.round(timeoutMs / 1000)} s; run it again.`,
            ),
          ),
        timeoutMs,
      )
    })
    const interrupted = opts.interrupted.then(() => {
      throw new OpenclawError('cancelled', 'Login cancelled.')
    })
    const fromCallback = server
      ? server.result.then(
          (r) => r.code,
          (err: Error) => {
            throw new OpenclawError('invalid_credential', `Sign-in failed: ${err.message}.`)
          },
        )
      : new Promise<string>(() => {})
    const code = await Promise.race([fromCallback, pasted, timeout, interrupted])
    opts.say('Authorization received; exchanging it for tokens...')
    const res = await postTokenRequest({
      tokenUrl: oauth.tokenUrl,
      params: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: oauth.clientId,
        code_verifier: pkce.verifier,
      },
      timeoutMs: 60_000,
      now: opts.now,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    })
    if (!res.ok) {
      throw new OpenclawError(
        'invalid_credential',
        `The token endpoint of ${oauth.provider} refused the authorization code (${res.failure.reason}: ${res.failure.detail}).`,
        { hint: 'Run the login again; codes are single-use and expire within minutes.' },
      )
    }
    return res.tokens
  } finally {
    if (timer) clearTimeout(timer)
    rl.close()
    // readline leaves a TTY/pipe stdin flowing; pause it so the process can exit.
    opts.stdin.pause?.()
    await server?.close()
  }
}
