import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary } from './support/cli.ts'
import { providerConfig, startTestGateway, type TestGateway } from './support/gateway-harness.ts'
import { type MockOAuthServer, startMockOAuthServer } from './support/mock-oauth-server.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

let mock: MockProvider
let as: MockOAuthServer
let gw: TestGateway | undefined

beforeAll(async () => {
  mock = await startMockProvider()
  as = await startMockOAuthServer()
})
afterAll(async () => {
  await mock.close()
  await as.close()
})
afterEach(async () => {
  await gw?.close()
  gw = undefined
  mock.reset()
})

function config() {
  const providers = providerConfig(mock) as Record<string, Record<string, unknown>>
  providers.openai = {
    ...providers.openai,
    oauth: { tokenUrl: as.tokenUrl, clientId: as.clientId, authorizeUrl: as.authorizeUrl },
  }
  return { models: { providers } }
}

describe('OAuth profiles in the gateway', () => {
  it('an expired access token is refreshed before the request; the provider sees only the new token', async () => {
    const fam = as.issueFamily({ email: 'me@example.com' })
    const stale = canary('at-stale-')
    mock.setDefault({ kind: 'ok', text: 'fresh ok' })
    gw = await startTestGateway({
      mock,
      config: config(),
      profiles: {
        'openai:me@example.com': {
          type: 'oauth',
          provider: 'openai',
          access: stale,
          refresh: fam.current.refresh,
          expires: Date.now() - 60_000,
          email: 'me@example.com',
        },
      },
    })
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
    const before = as.refreshCalls.length
    const res = await client.chat.completions.create({
      model: 'openai/gpt-x',
      messages: [{ role: 'user', content: 'x' }],
    })
    expect(res.choices[0]?.message.content).toBe('fresh ok')
    expect(as.refreshCalls.length - before).toBe(1)
    const sent = mock.requests.at(-1)!
    expect(sent.credential).not.toBe(stale)
    const store = CredentialStore.open(gw.home.storePath(), { readonly: true })
    const cred = store.getProfile('openai:me@example.com')!.credential
    store.close()
    expect(cred.type === 'oauth' && cred.access).toBe(sent.credential)
    // Still fresh: the next request does not refresh again.
    await client.chat.completions.create({
      model: 'openai/gpt-x',
      messages: [{ role: 'user', content: 'y' }],
    })
    expect(as.refreshCalls.length - before).toBe(1)
  })

  it('a 401 on a not-yet-expired token forces exactly one refresh and a retry with the new token', async () => {
    const fam = as.issueFamily({ email: 'you@example.com' })
    const rejected = canary('at-rejected-')
    mock.setBehavior(rejected, { kind: 'auth' })
    mock.setDefault({ kind: 'ok', text: 'after refresh' })
    gw = await startTestGateway({
      mock,
      config: config(),
      // Stored an hour ago: a token the provider rejects right after issuing it is a loop
      // the refresher refuses to feed; one that aged is the revoked-token case.
      setup: (home) => {
        const store = CredentialStore.open(home.storePath(), { clock: () => Date.now() - 3_600_000 })
        store.upsertProfile('openai:you@example.com', {
          type: 'oauth',
          provider: 'openai',
          access: rejected,
          refresh: fam.current.refresh,
          expires: Date.now() + 3_600_000,
          email: 'you@example.com',
        })
        store.close()
      },
    })
    const before = as.refreshCalls.length
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
    const res = await client.chat.completions.create({
      model: 'openai/gpt-x',
      messages: [{ role: 'user', content: 'x' }],
    })
    expect(res.choices[0]?.message.content).toBe('after refresh')
    expect(as.refreshCalls.length - before).toBe(1)
    expect(mock.callsFor(rejected)).toBe(1)
  })
})
