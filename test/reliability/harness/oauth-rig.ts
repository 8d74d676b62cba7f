/**
 * The OAuth setup shared by the H rows: a strict mock authorization server (single-use refresh
 * tokens, reuse revokes the family) whose access tokens are the only ones the mock provider
 * accepts, one OpenAI OAuth profile in the main agent's store, and a gateway token. Access
 * tokens are issued with `expires_in` = the refresher's 5 min margin + `rotateMs`, so each one
 * is due for refresh `rotateMs` after it was issued: the gateway rotates the pair every
 * `rotateMs` under load, as it would every hour in production. Every token the server mints,
 * and the gateway token, are canaries.
 */
import type { OAuthCredential } from '../../../src/auth/types.ts'
import { DEFAULT_TIMING } from '../../../src/oauth/refresh-policy.ts'
import { CredentialStore } from '../../../src/store/credential-store.ts'
import { canary, makeTempHome, type TempHome } from '../../support/cli.ts'
import { captureClientResponses, providerConfig } from '../../support/gateway-harness.ts'
import { type Family, type MockOAuthServer, startMockOAuthServer } from '../../support/mock-oauth-server.ts'
import { type MockProvider, startMockProvider } from '../../support/mock-provider/index.ts'
import { type GatewayProcess, startGatewayProcess } from './gateway-process.ts'
import { linkOAuthUpstream, type OAuthUpstream } from './oauth-upstream.ts'

export const OAUTH_PROFILE = 'openai:load@example.com'
export const OAUTH_MODEL = 'openai/gpt-load'

export interface StoredOAuth {
  cred: OAuthCredential
  generation: number
}

export interface OAuthRig {
  as: MockOAuthServer
  mock: MockProvider
  upstream: OAuthUpstream
  home: TempHome
  gatewayToken: string
  family: Family
  rotateMs: number
  startGateway(opts?: {
    port?: number
    probe?: boolean
    env?: Record<string, string>
    /** Record every client response for the canary scan (default true). */
    capture?: boolean
  }): Promise<GatewayProcess>
  /** A new login: a fresh token family written over the profile (new generation). */
  relogin(): Family
  stored(): StoredOAuth
  close(): Promise<void>
}

export async function startOAuthRig(opts: {
  rotateMs: number
  chunkIntervalMs: number
  config?: Record<string, unknown>
}): Promise<OAuthRig> {
  const lifetimeS = (DEFAULT_TIMING.marginMs + opts.rotateMs) / 1000
  const as = await startMockOAuthServer({ expiresIn: lifetimeS, secret: canary })
  const mock = await startMockProvider({ chunkIntervalMs: opts.chunkIntervalMs })
  const upstream = linkOAuthUpstream(as, mock)
  const home = makeTempHome()
  const gatewayToken = canary('gw-token-')
  const providers = providerConfig(mock) as Record<string, Record<string, unknown>>
  providers.openai = { ...providers.openai, oauth: { tokenUrl: as.tokenUrl, clientId: as.clientId } }
  home.writeConfig({
    models: { providers },
    gateway: { auth: { mode: 'token', token: gatewayToken } },
    ...opts.config,
  })
  const storePath = home.storePath()
  const write = (f: Family) => {
    const store = CredentialStore.open(storePath)
    try {
      store.upsertProfile(OAUTH_PROFILE, {
        type: 'oauth',
        provider: 'openai',
        access: f.current.access,
        refresh: f.current.refresh,
        expires: Date.now() + lifetimeS * 1000,
        accountId: f.accountId,
        email: f.email,
      })
    } finally {
      store.close()
    }
  }
  const rig: OAuthRig = {
    as,
    mock,
    upstream,
    home,
    gatewayToken,
    family: as.issueFamily({ accountId: 'acct-load', email: 'load@example.com' }),
    rotateMs: opts.rotateMs,
    async startGateway({ capture = true, ...g } = {}) {
      const gw = await startGatewayProcess({ home, ...g })
      if (capture) captureClientResponses(gw.url)
      return gw
    },
    relogin() {
      rig.family = as.issueFamily({ accountId: 'acct-load', email: 'load@example.com' })
      write(rig.family)
      return rig.family
    },
    stored() {
      const store = CredentialStore.open(storePath, { readonly: true })
      try {
        const p = store.getProfile(OAUTH_PROFILE)
        if (p?.credential.type !== 'oauth') throw new Error(`${OAUTH_PROFILE} is missing from the store`)
        return { cred: p.credential, generation: p.generation }
      } finally {
        store.close()
      }
    },
    async close() {
      upstream.detach()
      await mock.close()
      await as.close()
    },
  }
  write(rig.family)
  return rig
}
