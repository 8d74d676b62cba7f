/** The pieces of the login flow: pasted redirects, the authorize URL, claims, callback host rules. */
import { describe, expect, it } from 'vitest'
import { fakeJwt } from '../../test/support/mock-oauth-server.ts'
import { callbackHost } from './callback-server.ts'
import { tokenClaims } from './jwt-claims.ts'
import { buildAuthorizeUrl } from './login-flow.ts'
import { parsePastedRedirect } from './manual-paste.ts'
import { resolveOAuthProvider } from './provider-config.ts'

describe('parsePastedRedirect', () => {
  const state = 'st4te'
  it('accepts the full redirect URL, its query string, code#state and a bare code', () => {
    expect(parsePastedRedirect(`http://localhost:1455/auth/callback?code=abc&state=${state}`, state)).toEqual(
      { ok: true, code: 'abc' },
    )
    expect(parsePastedRedirect(`?code=abc&state=${state}`, state)).toEqual({ ok: true, code: 'abc' })
    expect(parsePastedRedirect(`abc#${state}`, state)).toEqual({ ok: true, code: 'abc' })
    expect(parsePastedRedirect('abc', state)).toEqual({ ok: true, code: 'abc' })
    expect(parsePastedRedirect('   ', state)).toEqual({ ok: 'skip' })
  })
  it('refuses another attempt state, error redirects and junk', () => {
    expect(parsePastedRedirect('abc#other', state)).toMatchObject({ ok: false })
    expect(
      parsePastedRedirect(`http://localhost/cb?error=access_denied&state=${state}`, state),
    ).toMatchObject({
      ok: false,
      message: 'The authorization server returned access_denied.',
    })
    expect(parsePastedRedirect('two words', state)).toMatchObject({ ok: false })
  })
})

describe('provider data and the authorize URL', () => {
  it('OpenAI defaults are data; config overrides them', () => {
    const builtin = resolveOAuthProvider('openai', {})!
    expect(builtin).toMatchObject({
      authorizeUrl: 'https://auth.openai.com/oauth/authorize',
      tokenUrl: 'https://auth.openai.com/oauth/token',
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      redirectPort: 1455,
      redirectPath: '/auth/callback',
    })
    const custom = resolveOAuthProvider('openai-codex', {
      models: { providers: { openai: { oauth: { tokenUrl: 'http://127.0.0.1:9/t', scopes: 'a b' } } } },
    })!
    expect(custom).toMatchObject({
      tokenUrl: 'http://127.0.0.1:9/t',
      scopes: ['a', 'b'],
      authorizeUrl: builtin.authorizeUrl,
    })
    expect(resolveOAuthProvider('anthropic', {})).toBeUndefined()
  })
  it('PKCE S256, state, scopes and redirect in the URL', () => {
    const oauth = resolveOAuthProvider('openai', {})!
    const u = new URL(
      buildAuthorizeUrl(oauth, {
        redirectUri: 'http://localhost:1455/auth/callback',
        challenge: 'ch',
        state: 'st',
      }),
    )
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: oauth.clientId,
      redirect_uri: 'http://localhost:1455/auth/callback',
      scope: 'openid profile email offline_access',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      state: 'st',
    })
  })
})

describe('claims and callback host', () => {
  it('email from the id token, account id from the OpenAI auth claim', () => {
    const id = fakeJwt({ email: 'a@example.com', sub: 'user-1' })
    const access = fakeJwt({
      'https://api.openai.com/auth': { chatgpt_account_id: 'acct-9' },
      exp: 2_000_000_000,
    })
    expect(tokenClaims(id, access)).toEqual({
      email: 'a@example.com',
      accountId: 'acct-9',
      exp: 2_000_000_000,
    })
    expect(tokenClaims('not-a-jwt', 'x.y')).toEqual({})
  })
  it('OPENCLAW_OAUTH_CALLBACK_HOST takes loopback spellings only', () => {
    expect(callbackHost(undefined)).toEqual({ uriHost: 'localhost', bindAddress: '127.0.0.1' })
    expect(callbackHost('[::1]')).toEqual({ uriHost: '[::1]', bindAddress: '::1' })
    expect(() => callbackHost('0.0.0.0')).toThrow(/loopback/)
    expect(() => callbackHost('evil.example')).toThrow(/loopback/)
  })
})
