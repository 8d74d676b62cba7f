/**
 * F-13 end to end with real certificates made by openssl at test time (test/support/test-certs.ts):
 * HTTPS on 127.0.0.1, required client certificates refused at the handshake (none, another CA,
 * expired) and accepted when valid (HTTP and /ws); the same refusals with the handshake check
 * switched off, proving the per-request socket.authorized check works on its own; startup errors
 * naming the wrong gateway.tls key; and the CLI (doctor, logout notification, secrets reload)
 * still reaching a TLS gateway, or saying why not.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import https from 'node:https'
import path from 'node:path'
import tls from 'node:tls'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { canary, expectNoCanary, makeTempHome, runCli } from './support/cli.ts'
import { startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'
import { makeTestCerts, type Pair, SERVER_NAME, type TestCerts } from './support/test-certs.ts'

let mock: MockProvider
let certs: TestCerts
let gw: TestGateway | undefined
const TOKEN = canary('gw-token-')

beforeAll(async () => {
  mock = await startMockProvider()
  certs = makeTestCerts()
})
afterAll(async () => {
  await mock.close()
  certs.remove()
})
afterEach(async () => {
  await gw?.close()
  gw = undefined
})

function tlsConfig(extra: Record<string, unknown> = {}) {
  return {
    gateway: {
      auth: { mode: 'token', token: TOKEN, rateLimit: { exemptLoopback: false } },
      tls: { certPath: certs.server.cert, keyPath: certs.server.key, caPath: certs.ca, ...extra },
    },
  }
}

type Outcome = { status: number; body: string } | { error: string }

/** An HTTPS request that trusts the test CA and checks the server's name. */
function get(url: string, pathname: string, opts: { client?: Pair; token?: string } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = https.get(
      `${url}${pathname}`,
      {
        ca: certs.read(certs.ca),
        servername: SERVER_NAME,
        agent: false,
        ...(opts.client ? { cert: certs.read(opts.client.cert), key: certs.read(opts.client.key) } : {}),
        ...(opts.token ? { headers: { authorization: `Bearer ${opts.token}` } } : {}),
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }))
  })
}

async function wsOver(
  url: string,
  client: Pair | undefined,
): Promise<{ connect?: unknown; rejected?: string }> {
  // ws hands these to tls.connect; its typings lack servername.
  const tlsOptions: tls.ConnectionOptions = {
    ca: certs.read(certs.ca),
    servername: SERVER_NAME,
    ...(client ? { cert: certs.read(client.cert), key: certs.read(client.key) } : {}),
  }
  const ws = new WebSocket(`${url.replace('https', 'wss')}/ws`, { ...tlsOptions })
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve({ rejected: `HTTP ${res.statusCode}` })
      ws.terminate()
    })
    ws.on('error', (e: NodeJS.ErrnoException) => resolve({ rejected: e.code ?? e.message }))
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connect', auth: { token: TOKEN } })))
    ws.on('message', (d) => {
      resolve({ connect: JSON.parse(d.toString()) })
      ws.close()
    })
  })
}

/** SHA-256 fingerprint of the certificate the gateway presents to a new connection. */
function servedFingerprint(url: string, client: Pair): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port: Number(new URL(url).port),
      servername: SERVER_NAME,
      ca: certs.read(certs.ca),
      cert: certs.read(client.cert),
      key: certs.read(client.key),
    })
    s.once('secureConnect', () => {
      resolve(s.getPeerCertificate().fingerprint256)
      s.end()
    })
    s.once('error', reject)
  })
}

const fingerprintOf = (file: string) => new crypto.X509Certificate(fs.readFileSync(file)).fingerprint256

/** Replaces a file the way certificate managers do: a new file renamed over the old path. */
function replaceFile(dest: string, src: string): void {
  const tmp = `${dest}.new`
  fs.copyFileSync(src, tmp)
  fs.chmodSync(tmp, 0o600)
  fs.renameSync(tmp, dest)
}

describe('gateway TLS (F-13)', () => {
  it('serves HTTPS on loopback; plain HTTP to the same port gets nothing', async () => {
    gw = await startTestGateway({ mock, config: tlsConfig() })
    expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(await get(gw.url, '/health')).toEqual({ status: 200, body: '{"ok":true}' })
    expect(await get(gw.url, '/v1/models', { token: TOKEN })).toMatchObject({ status: 200 })
    const plain = await fetch(gw.url.replace('https', 'http')).then(
      (r) => r.status,
      () => 'refused',
    )
    expect(plain).not.toBe(200)
  })

  it('required client certificates: the handshake refuses none, another CA and expired; a valid one works on HTTP and /ws', async () => {
    gw = await startTestGateway({ mock, config: tlsConfig({ clientAuth: 'require' }) })
    for (const [name, client] of [
      ['no certificate', undefined],
      ['another CA', certs.otherCaClient],
      ['expired', certs.expiredClient],
    ] as const) {
      const r = await get(gw.url, '/health', { ...(client ? { client } : {}), token: TOKEN })
      expect(r, name).toHaveProperty('error')
      expect((await wsOver(gw.url, client)).rejected, name).toBeDefined()
    }
    // Node destroys an unverified socket right after the handshake: no request is ever read.
    expect(gw.logs.join('\n')).toContain('TLS handshake with 127.0.0.1 failed')
    expect(await get(gw.url, '/health', { client: certs.client })).toEqual({
      status: 200,
      body: '{"ok":true}',
    })
    // The certificate is transport auth; the token is still required on top of it.
    expect(await get(gw.url, '/v1/models', { client: certs.client })).toMatchObject({ status: 401 })
    expect(await get(gw.url, '/v1/models', { client: certs.client, token: TOKEN })).toMatchObject({
      status: 200,
    })
    expect((await wsOver(gw.url, certs.client)).connect).toMatchObject({ id: 'connect', ok: true })
  })

  it('with the handshake check off, every request and upgrade still needs a verified certificate (socket.authorized)', async () => {
    gw = await startTestGateway({
      mock,
      config: tlsConfig({ clientAuth: 'require' }),
      internal: { skipHandshakeVerification: true },
    })
    for (const [name, client] of [
      ['no certificate', undefined],
      ['another CA', certs.otherCaClient],
      ['expired', certs.expiredClient],
    ] as const) {
      // The handshake now completes: the answer is the guard's 401, not a TLS error.
      const r = await get(gw.url, '/v1/models', { ...(client ? { client } : {}), token: TOKEN })
      expect(r, name).toMatchObject({ status: 401 })
      expect(JSON.parse((r as { body: string }).body).error.code, name).toBe('client_cert_required')
      expect((await wsOver(gw.url, client)).rejected, name).toBe('HTTP 401')
    }
    expect(gw.logs.join('\n')).toContain('client_cert_unverified (CERT_HAS_EXPIRED)')
    expect(await get(gw.url, '/v1/models', { client: certs.client, token: TOKEN })).toMatchObject({
      status: 200,
    })
    expect((await wsOver(gw.url, certs.client)).connect).toMatchObject({ ok: true })
  })

  it('a renewed certificate is served without a restart; a broken renewal is refused and the previous one kept; clientAuth still enforced', async () => {
    const live = fs.mkdtempSync(path.join(certs.dir, 'live-'))
    const cert = path.join(live, 'fullchain.pem')
    const key = path.join(live, 'privkey.pem')
    replaceFile(cert, certs.server.cert)
    replaceFile(key, certs.server.key)
    gw = await startTestGateway({
      mock,
      tlsPollMs: 20,
      config: tlsConfig({ certPath: cert, keyPath: key, clientAuth: 'require' }),
    })
    const first = fingerprintOf(certs.server.cert)
    const renewed = fingerprintOf(certs.renewedServer.cert)
    expect(first).not.toBe(renewed)
    expect(await servedFingerprint(gw.url, certs.client)).toBe(first)

    // Key first, then certificate: in between the pair does not match and is refused.
    replaceFile(key, certs.renewedServer.key)
    await waitFor(
      () => gw!.logs.some((l) => l.includes('tls: the new certificate is not used')),
      5000,
      'refusal',
    )
    expect(await servedFingerprint(gw.url, certs.client)).toBe(first)
    replaceFile(cert, certs.renewedServer.cert)
    await waitFor(
      async () => (await servedFingerprint(gw!.url, certs.client)) === renewed,
      5000,
      'renewed cert served',
    )
    expect(gw.logs.some((l) => l.startsWith('info: tls: certificate reloaded from'))).toBe(true)
    // setSecureContext swaps the certificate only: client certificates are still required.
    expect(await get(gw.url, '/health')).toHaveProperty('error')
    expect(await get(gw.url, '/v1/models', { client: certs.client, token: TOKEN })).toMatchObject({
      status: 200,
    })

    // A key others can read is refused too (same rule as at start), naming the file.
    fs.chmodSync(key, 0o644)
    await waitFor(
      () => gw!.logs.some((l) => l.includes(`(${key}) can be read by others`)),
      5000,
      'mode refusal',
    )
    expect(await servedFingerprint(gw.url, certs.client)).toBe(renewed)
    fs.chmodSync(key, 0o600)

    // Switching clientAuth needs a restart: said once, nothing changes.
    const cfg = gw.home.readConfig() as { gateway: { tls: Record<string, string> } }
    cfg.gateway.tls.clientAuth = 'none'
    gw.home.writeConfig(cfg)
    await waitFor(
      () => gw!.logs.some((l) => l.includes('restart the gateway to apply it')),
      5000,
      'restart note',
    )
    expect(await get(gw.url, '/health')).toHaveProperty('error')
    expect(gw.logs.filter((l) => l.includes('restart the gateway to apply it'))).toHaveLength(1)
    expect(gw.logs.join('\n')).not.toContain('-----BEGIN')
  })

  it('the CLI reaches a TLS gateway: doctor, logout notification over wss, secrets reload; without its certificate it says why', async () => {
    gw = await startTestGateway({ mock, config: tlsConfig({ clientAuth: 'require' }) })
    const env = { ...gw.env, OPENCLAW_GATEWAY_PORT: String(gw.handle.port), OPENCLAW_GATEWAY_TOKEN: TOKEN }
    const cli = (args: string[]) => runCli(args, { env, cwd: gw!.home.home })
    const outputs: string[] = []
    const noCert = await cli(['doctor', '--json', '--non-interactive'])
    outputs.push(noCert.stdout, noCert.stderr)
    const missing = JSON.parse(noCert.stdout).findings.find(
      (f: { id: string }) => f.id === 'gateway.not-running',
    )
    expect(missing.detail).toContain('set gateway.tls.cliCertPath and gateway.tls.cliKeyPath')

    // cliCertPath/cliKeyPath are the CLI's: the gateway's own certificate is unchanged.
    const cfg = gw.home.readConfig() as { gateway: { tls: Record<string, string> } }
    cfg.gateway.tls.cliCertPath = certs.client.cert
    cfg.gateway.tls.cliKeyPath = certs.client.key
    gw.home.writeConfig(cfg)
    const doctor = await cli(['doctor', '--json', '--non-interactive'])
    outputs.push(doctor.stdout, doctor.stderr)
    const running = JSON.parse(doctor.stdout).findings.find((f: { id: string }) => f.id === 'gateway.running')
    expect(running, doctor.stdout).toBeDefined()
    expect(running.title).toContain(`https://127.0.0.1:${gw.handle.port}`)
    expect(running.detail).toBe('It refuses unauthenticated API calls.')

    const reload = await cli(['secrets', 'reload', '--json'])
    outputs.push(reload.stdout, reload.stderr)
    expect(JSON.parse(reload.stdout).gateway).toMatchObject({
      reachable: true,
      url: `https://127.0.0.1:${gw.handle.port}`,
    })

    const key = canary('sk-ant-api03-')
    const paste = await runCli(['models', 'auth', 'paste-api-key', '--provider', 'anthropic'], {
      env,
      cwd: gw.home.home,
      stdin: `${key}\n`,
    })
    expect(paste.code, paste.stderr).toBe(0)
    const logout = await cli(['models', 'auth', 'logout', '--provider', 'anthropic', '--yes', '--json'])
    outputs.push(logout.stdout, logout.stderr, paste.stdout, paste.stderr)
    expect(logout.code, logout.stderr).toBe(0)
    expect(JSON.parse(logout.stdout)).toMatchObject({
      gateway: 'notified',
      removedProfiles: ['anthropic:manual'],
    })
    expectNoCanary(outputs, [TOKEN, key])
  })

  it('startup errors name the gateway.tls key and the fix, without a stack trace', async () => {
    const t = makeTempHome()
    const looseKey = path.join(certs.dir, 'loose-key.pem')
    fs.copyFileSync(certs.server.key, looseKey)
    fs.chmodSync(looseKey, 0o644)
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { certPath: certs.server.cert, keyPath: looseKey },
        `gateway.tls.keyPath (${looseKey}) can be read by others (mode 0644)`,
      ],
      [{ certPath: certs.server.cert, keyPath: certs.client.key }, 'gateway.tls.keyPath'],
      [
        { certPath: certs.server.cert, keyPath: certs.server.key, clientAuth: 'require' },
        'gateway.tls.clientAuth is "require" but gateway.tls.caPath is not set',
      ],
      [
        { certPath: 'relative/cert.pem', keyPath: certs.server.key },
        'gateway.tls.certPath must be an absolute path',
      ],
      [{ certPath: path.join(certs.dir, 'nope.pem'), keyPath: certs.server.key }, 'no such file'],
      [{ certPath: certs.server.key, keyPath: certs.server.key }, 'gateway.tls.certPath'],
      [{ enabled: true, autoGenerate: true }, 'gateway.tls.autoGenerate is not supported'],
    ]
    for (const [tls, message] of cases) {
      t.writeConfig({ gateway: { tls } })
      const r = await t.run(['gateway', '--port', '0'])
      expect(r.code, JSON.stringify(tls)).toBe(64)
      expect(r.stderr, JSON.stringify(tls)).toContain(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stderr).not.toContain('-----BEGIN')
    }
    const mismatch = (() => {
      t.writeConfig({ gateway: { tls: { certPath: certs.server.cert, keyPath: certs.client.key } } })
      return t.run(['gateway', '--port', '0'])
    })()
    expect((await mismatch).stderr).toContain('is not the key of gateway.tls.certPath')
    // A public bind without client auth mentions the client-certificate way out.
    const bare = await t.run([
      'gateway',
      '--bind',
      '0.0.0.0',
      '--port',
      '0',
      '--tls-cert',
      certs.server.cert,
      '--tls-key',
      certs.server.key,
    ])
    expect(bare.code).toBe(64)
    expect(bare.stderr).toContain('gateway.tls.clientAuth "require"')
    fs.rmSync(t.home, { recursive: true, force: true })
  })
})
