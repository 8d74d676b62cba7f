/**
 * `x-openclaw-agent-id` through a real gateway: a request naming an agent is served by that
 * agent's own profile; an agent without its own profile for the provider reads through to the
 * default agent's store (nothing copied); no header means the default agent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, expectNoCanary } from './support/cli.ts'
import { startTestGateway, type TestGateway } from './support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

let mock: MockProvider
let gw: TestGateway | undefined

beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})
afterEach(async () => {
  await gw?.close()
  gw = undefined
  mock.reset()
})

async function chat(url: string, agentId?: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(agentId ? { 'x-openclaw-agent-id': agentId } : {}) },
    body: JSON.stringify({ model: 'anthropic/claude-x', messages: [{ role: 'user', content: 'hi' }] }),
  })
  const body = (await res.json()) as { choices?: Array<{ message: { content: string } }> }
  return {
    status: res.status,
    profile: res.headers.get('x-openclaw-auth-profile'),
    text: body.choices?.[0]?.message.content,
  }
}

describe('x-openclaw-agent-id', () => {
  it("serves a request with that agent's own profile, and reads through to the default agent otherwise", async () => {
    const mainKey = canary('sk-ant-api03-')
    const workKey = canary('sk-ant-api03-')
    mock.setBehavior(mainKey, { kind: 'ok', text: 'from main' })
    mock.setBehavior(workKey, { kind: 'ok', text: 'from work' })
    gw = await startTestGateway({
      mock,
      profiles: { 'anthropic:main': { type: 'api_key', provider: 'anthropic', key: mainKey } },
      setup: (home) => {
        const work = CredentialStore.open(home.storePath('work-agent'))
        work.upsertProfile('anthropic:work', { type: 'api_key', provider: 'anthropic', key: workKey })
        work.close()
      },
    })
    const work = await chat(gw.url, 'work-agent')
    expect(work).toMatchObject({ status: 200, profile: 'anthropic:work', text: 'from work' })
    expect(mock.requests.at(-1)?.credential).toBe(workKey)

    const other = await chat(gw.url, 'other-agent')
    expect(other).toMatchObject({ status: 200, profile: 'anthropic:main', text: 'from main' })
    expect(mock.requests.at(-1)?.credential).toBe(mainKey)

    const none = await chat(gw.url)
    expect(none).toMatchObject({ status: 200, profile: 'anthropic:main' })

    // Read-through copies nothing: the other agent still has no store of its own.
    const otherStore = CredentialStore.open(gw.home.storePath('other-agent'), { readonly: true })
    expect(otherStore.listProfiles()).toEqual([])
    otherStore.close()

    const bad = await chat(gw.url, 'Not An Id!')
    expect(bad.status).toBe(400)
    expectNoCanary([JSON.stringify([work, other, none, bad]), ...gw.logs], [mainKey, workKey])
  })
})
