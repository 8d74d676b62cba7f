/**
 * `openclaw secrets reload` reaches a running gateway: a file-provider ref whose file is rotated
 * keeps serving the old value until the reload, and the new one right after it, without a
 * restart. The output says whether a gateway was told; with none running it says so too.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeProviderDir } from './fixtures/secret-providers/install.ts'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'
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

async function ask(url: string): Promise<number> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'anthropic/claude-x',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  })
  await res.text()
  return res.status
}

describe('secrets reload with a running gateway', () => {
  it('a rotated secrets file is used by the gateway right after `secrets reload`, and the output says it was told', async () => {
    const oldKey = canary('sk-ant-api03-')
    const newKey = canary('sk-ant-api03-')
    mock.setBehavior(oldKey, { kind: 'ok', text: 'old' })
    mock.setBehavior(newKey, { kind: 'ok', text: 'new' })
    let secretsFile = ''
    gw = await startTestGateway({
      mock,
      config: {},
      setup: (home) => {
        const p = makeProviderDir(home.home)
        secretsFile = p.file('secrets.json', JSON.stringify({ anthropic: { prod: oldKey } }))
        const cfg = home.readConfig()
        home.writeConfig({ ...cfg, secrets: { providers: { local: { source: 'file', path: secretsFile } } } })
      },
      profiles: {
        'anthropic:prod': {
          type: 'api_key',
          provider: 'anthropic',
          keyRef: { source: 'file', provider: 'local', id: '/anthropic/prod' },
        },
      },
    })
    await gw.state.activateSecrets()
    expect(await ask(gw.url)).toBe(200)
    expect(mock.requests.at(-1)?.credential).toBe(oldKey)

    // Rotate the file in place (same path, new value): the gateway's snapshot is unchanged.
    const tmp = `${secretsFile}.tmp`
    fs.writeFileSync(tmp, JSON.stringify({ anthropic: { prod: newKey } }), { mode: 0o600 })
    fs.renameSync(tmp, secretsFile)
    expect(await ask(gw.url)).toBe(200)
    expect(mock.requests.at(-1)?.credential).toBe(oldKey)

    const port = new URL(gw.url).port
    const env = { OPENCLAW_GATEWAY_PORT: port }
    const r = await gw.home.run(['secrets', 'reload'], { env })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('ok      file:local:/anthropic/prod')
    expect(r.stderr).toContain(
      `Told the running gateway at http://127.0.0.1:${port}: it re-resolved 1 ref(s)`,
    )
    // The reply comes after the gateway swapped its snapshot: no polling needed.
    expect(await ask(gw.url)).toBe(200)
    expect(mock.requests.at(-1)?.credential).toBe(newKey)

    const json = await gw.home.run(['secrets', 'reload', '--json'], { env })
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout).gateway).toMatchObject({
      reachable: true,
      notified: true,
      refs: { total: 1, failed: 0 },
    })
    expectNoCanary([r.stdout, r.stderr, json.stdout, json.stderr, ...gw.logs], [oldKey, newKey])
  })

  it('no gateway running: says nothing was notified, exit 0 when the refs resolve', async () => {
    const home = makeTempHome()
    fs.mkdirSync(home.home, { recursive: true })
    const p = makeProviderDir(home.home)
    const file = p.file('secrets.json', JSON.stringify({ k: canary('sk-ant-api03-') }))
    home.writeConfig({
      secrets: { providers: { local: { source: 'file', path: file } } },
      models: { providers: { anthropic: { apiKey: { source: 'file', provider: 'local', id: 'k' } } } },
    })
    // A port nothing listens on: bind one, note it, close it.
    const net = await import('node:net')
    const srv = net.createServer()
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const free = (srv.address() as { port: number }).port
    await new Promise<void>((r) => srv.close(() => r()))
    const r = await home.run(['secrets', 'reload', '--json'], {
      env: { OPENCLAW_GATEWAY_PORT: String(free) },
    })
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.refs).toEqual([expect.objectContaining({ ok: true })])
    expect(out.gateway).toMatchObject({ reachable: false, notified: false })
    expect(out.gateway.note).toContain('nothing to notify')
    expect(path.isAbsolute(file)).toBe(true)
  })
})
