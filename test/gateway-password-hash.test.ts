/**
 * F-14 end to end: `openclaw gateway set-password` (real binary, secret on stdin) replaces a
 * plaintext gateway.auth.password with a scrypt hash; the files on disk (config, its .bak
 * copies, everything in the state dir) are read back and hold neither password; the running
 * gateway picks the hash up through its config watch; secrets audit and doctor recommend the
 * hash while the plaintext is there; the plaintext form and OPENCLAW_GATEWAY_PASSWORD keep working.
 */
import { once } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { hashPassword } from '../src/gateway/auth/password-hash.ts'
import { type CliResult, canary, expectNoCanary, makeTempHome, runCli } from './support/cli.ts'
import { startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.ts'
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
})

const models = (url: string, secret: string) =>
  fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status)

/** Every file under dir (the .env files are inputs and never written by the product). */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== '.env')
    .map((e) => path.join(e.parentPath, e.name))
}

async function wsConnect(url: string, password: string): Promise<{ ok?: boolean }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`)
  await once(ws, 'open')
  ws.send(JSON.stringify({ type: 'connect', auth: { password } }))
  const [data] = (await once(ws, 'message')) as [Buffer]
  ws.close()
  return JSON.parse(data.toString())
}

describe('gateway password stored as a scrypt hash (F-14)', () => {
  it('set-password removes the plaintext from config and backups; the gateway switches to the hash live', async () => {
    const oldPassword = canary('gw-pass-')
    const newPassword = canary('gw-pass-')
    gw = await startTestGateway({
      mock,
      config: {
        gateway: { auth: { mode: 'password', password: oldPassword, rateLimit: { exemptLoopback: false } } },
      },
    })
    const outputs: CliResult[] = []
    const cli = async (args: string[], stdin?: string) => {
      const r = await runCli(args, {
        env: gw!.env,
        cwd: gw!.home.home,
        ...(stdin !== undefined ? { stdin } : {}),
      })
      outputs.push(r)
      return r
    }
    // The plaintext form still works (backward compatible) and is flagged.
    expect(await models(gw.url, oldPassword)).toBe(200)
    const audit = await cli(['secrets', 'audit', '--json'])
    const finding = JSON.parse(audit.stdout).findings.find(
      (f: { location: string }) => f.location === 'gateway.auth.password',
    )
    expect(finding).toMatchObject({ code: 'PLAINTEXT_FOUND' })
    expect(finding.message).toContain('openclaw gateway set-password')
    const doctor = await cli(['doctor', '--json', '--non-interactive'])
    expect(
      JSON.parse(doctor.stdout).findings.find(
        (f: { id: string }) => f.id === 'secrets.gateway-password-plaintext',
      ),
    ).toMatchObject({ level: 'warning', fix: { command: 'openclaw gateway set-password' } })

    const set = await cli(['gateway', 'set-password'], `${newPassword}\n`)
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toContain('gateway.auth.passwordHash')
    expect(set.stdout).toContain('Removed gateway.auth.password')

    // Read what is on disk: the config and every backup hold the hash and neither password.
    const configPath = path.join(gw.home.stateDir, 'openclaw.json')
    const saved = JSON.parse(fs.readFileSync(configPath, 'utf8'))
    expect(saved.gateway.auth.password).toBeUndefined()
    expect(saved.gateway.auth.passwordHash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/)
    expect(saved.gateway.auth.mode).toBe('password')
    expect((fs.statSync(configPath).mode & 0o777).toString(8)).toBe('600')
    const backups = fs.readdirSync(gw.home.stateDir).filter((f) => f.startsWith('openclaw.json.bak'))
    expect(backups.length).toBeGreaterThan(0)
    for (const file of filesUnder(gw.home.stateDir)) {
      const bytes = fs.readFileSync(file, 'latin1')
      expect(bytes.includes(oldPassword), file).toBe(false)
      expect(bytes.includes(newPassword), file).toBe(false)
    }

    // The running gateway reloads: the old plaintext is refused, the new password verifies.
    await waitFor(async () => (await models(gw!.url, oldPassword)) === 401, 5000, 'old password refused')
    expect(await models(gw.url, newPassword)).toBe(200)
    expect(await models(gw.url, `${newPassword}x`)).toBe(401)
    expect(await wsConnect(gw.url, newPassword)).toMatchObject({ ok: true })

    const after = await cli(['secrets', 'audit', '--json'])
    expect(
      JSON.parse(after.stdout).findings.some(
        (f: { location: string }) => f.location === 'gateway.auth.password',
      ),
    ).toBe(false)
    expectNoCanary(
      [...outputs.flatMap((r) => [r.stdout, r.stderr]), gw.logs.join('\n')],
      [oldPassword, newPassword],
    )
  })

  it('set-password over a hand-written JSON5 config leaves the plaintext in no file, the kept copy included', async () => {
    const t = makeTempHome()
    const oldPassword = canary('gw-pass-')
    fs.mkdirSync(t.stateDir, { recursive: true, mode: 0o700 })
    fs.writeFileSync(
      path.join(t.stateDir, 'openclaw.json'),
      `{\n  // set up by hand\n  gateway: { auth: { mode: 'password', password: '${oldPassword}' } },\n}\n`,
      { mode: 0o600 },
    )
    const set = await t.run(['gateway', 'set-password'], { stdin: `${canary('gw-pass-')}\n` })
    expect(set.code, set.stderr).toBe(0)
    const kept = fs.readdirSync(t.stateDir).filter((n) => n.startsWith('openclaw.json.hand-written-'))
    expect(kept).toHaveLength(1)
    expect(
      JSON.parse(fs.readFileSync(path.join(t.stateDir, kept[0]!), 'utf8')).gateway.auth.passwordHash,
    ).toMatch(/^\$scrypt\$/)
    for (const file of filesUnder(t.stateDir)) {
      expect(fs.readFileSync(file, 'latin1').includes(oldPassword), file).toBe(false)
    }
    fs.rmSync(t.home, { recursive: true, force: true })
  })

  it('a /ws connect before the password was ever proven waits for scrypt, then answers', async () => {
    const password = canary('gw-pass-')
    const passwordHash = await hashPassword(password, { ln: 14, r: 1, p: 1 })
    gw = await startTestGateway({
      mock,
      config: { gateway: { auth: { passwordHash, rateLimit: { exemptLoopback: false } } } },
    })
    expect(await wsConnect(gw.url, `${password}-wrong`)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    })
    expect(await wsConnect(gw.url, password)).toMatchObject({
      ok: true,
      payload: { auth: { scopes: ['chat', 'read', 'admin'] } },
    })
    expect(await models(gw.url, password)).toBe(200)
  })

  it('refuses empty and short input and changes nothing', async () => {
    const token = canary('gw-token-')
    gw = await startTestGateway({ mock, config: { gateway: { auth: { mode: 'token', token } } } })
    const configPath = path.join(gw.home.stateDir, 'openclaw.json')
    const before = fs.readFileSync(configPath)
    const empty = await runCli(['gateway', 'set-password'], { env: gw.env, cwd: gw.home.home, stdin: '' })
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('No password received')
    const short = await runCli(['gateway', 'set-password'], {
      env: gw.env,
      cwd: gw.home.home,
      stdin: 'abc\n',
    })
    expect(short.code).toBe(1)
    expect(short.stderr).toContain('at least 8 characters')
    expect(short.stderr).not.toContain('abc')
    expect(fs.readFileSync(configPath).equals(before)).toBe(true)
    expect(fs.existsSync(`${configPath}.bak`)).toBe(false)
  })

  it('OPENCLAW_GATEWAY_PASSWORD alone still works; next to a hash it is not a second password', async () => {
    const envPassword = canary('gw-pass-')
    gw = await startTestGateway({ mock, config: {}, env: { OPENCLAW_GATEWAY_PASSWORD: envPassword } })
    expect(await models(gw.url, envPassword)).toBe(200)
    expect(await models(gw.url, 'something-else')).toBe(401)
    await gw.close()
    const hashed = canary('gw-pass-')
    gw = await startTestGateway({ mock, config: {}, env: { OPENCLAW_GATEWAY_PASSWORD: envPassword } })
    const set = await runCli(['gateway', 'set-password', '--json'], {
      env: gw.env,
      cwd: gw.home.home,
      stdin: `${hashed}\n`,
    })
    expect(set.code, set.stderr).toBe(0)
    expect(JSON.parse(set.stdout)).toMatchObject({
      passwordHash: 'set',
      mode: 'password',
      removedPlaintext: false,
    })
    expect(set.stdout).not.toContain('$scrypt$')
    await waitFor(
      async () => (await models(gw!.url, envPassword)) === 401,
      5000,
      'env password no longer accepted',
    )
    expect(await models(gw.url, hashed)).toBe(200)
  })
})
