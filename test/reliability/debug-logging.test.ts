/**
 * G-01 (catalogue 2.G): the product with debug logging on must still never print a secret
 * (LiteLLM #1127/#7603 were debug-mode leaks). OPENCLAW_DEBUG=1 is the product's one switch:
 * the CLI adds stack traces of unexpected failures, the gateway adds debug lines (every OAuth
 * refresh step with its message, which credential each attempt used, failure details).
 * Here the gateway process and the CLI run with it while every secret path is exercised:
 * rotation under load, token endpoint errors that echo the presented refresh token (transient
 * and terminal), an upstream 401 that echoes the whole API key, wrong gateway tokens, status
 * and list commands. Every secret is a canary (the authorization server mints canaries too);
 * the test asserts debug output really appeared and none of them is in it, and the suite's
 * canary scan reads the same outputs (and the store's non-secret columns) afterwards.
 * TEST_DEBUG_LOGS=1 runs every CLI child of the whole suite this way (docs/reliability.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { canary, expectNoCanary, type TempHome } from '../support/cli.ts'
import { waitFor } from '../support/gateway-harness.ts'
import type { Family } from '../support/mock-oauth-server.ts'
import type { GatewayProcess } from './harness/gateway-process.ts'
import { runMain } from './harness/in-process-cli.ts'
import { OAUTH_MODEL, OAUTH_PROFILE, type OAuthRig, startOAuthRig } from './harness/oauth-rig.ts'
import { oneStream, type StreamLoadOptions, startStreamLoad } from './harness/stream-load.ts'

const DEBUG_ENV = { OPENCLAW_DEBUG: '1' }
const KEY_MODEL = 'anthropic/claude-debug'

let rig: OAuthRig
let gw: GatewayProcess
const secrets: string[] = []
const outputs: string[] = []

beforeAll(async () => {
  rig = await startOAuthRig({ rotateMs: 1000, chunkIntervalMs: 5 })
  rig.as.events.on('issued', (_f: Family, t: { access: string; refresh: string }) =>
    secrets.push(t.access, t.refresh),
  )
  secrets.push(rig.family.current.access, rig.family.current.refresh, rig.gatewayToken)
})

afterAll(async () => {
  gw?.killGroup()
  await rig?.close()
})

function opts(tag: string): StreamLoadOptions {
  return {
    url: () => gw.url,
    token: () => ({ value: rig.gatewayToken, label: 'gateway token' }),
    model: OAUTH_MODEL,
    tag,
    concurrency: 10,
    durationMs: 2500,
    maxRequests: 400,
  }
}

async function cli(home: TempHome, args: string[], stdin?: string) {
  const r = await home.run(args, { env: DEBUG_ENV, ...(stdin !== undefined ? { stdin } : {}) })
  outputs.push(r.stdout, r.stderr)
  return r
}

describe('G-01: debug logging on, canaries everywhere', () => {
  it('gateway and CLI with OPENCLAW_DEBUG=1 print debug detail and no secret', async () => {
    const key = canary('sk-ant-api03-')
    secrets.push(key)
    // An upstream that echoes the whole key in its 401 body (worse than any real provider).
    rig.mock.setBehavior(key, {
      kind: 'error',
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${key}` } },
    })
    const store = CredentialStore.open(rig.home.storePath())
    store.upsertProfile('anthropic:echo', { type: 'api_key', provider: 'anthropic', key })
    store.close()
    gw = await rig.startGateway({ env: DEBUG_ENV })

    // Rotation under load: refresh steps and per-attempt lines.
    const load = await startStreamLoad(opts('g01')).done
    expect(load.every((o) => o.kind === 'success')).toBe(true)

    // A token endpoint 4xx that quotes the refresh token it was given (transient: back-off).
    const presented = rig.stored().cred.refresh!
    rig.as.script({
      kind: 'error',
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: `cannot use refresh_token=${presented} right now`,
      },
    })
    const before = rig.as.refreshCalls.length
    await waitFor(
      async () => {
        await oneStream(opts('g01-backoff'), 0)
        return rig.as.refreshCalls.length > before
      },
      10_000,
      'the scripted token error',
    )
    await gw.waitForLine(/warn: oauth refresh-failed/, 5000)

    // A terminal one that quotes it too, after a new login (a new generation starts clean).
    const fam = rig.relogin()
    await waitFor(
      async () => (await oneStream(opts('g01-relogin'), 0)).kind === 'success',
      10_000,
      'the new login',
    )
    rig.as.script({
      kind: 'error',
      status: 400,
      body: { error: 'invalid_grant', error_description: `refresh token ${fam.current.refresh} was revoked` },
    })
    const refusedBodies: string[] = []
    await waitFor(
      async () => {
        const o = await oneStream(opts('g01-reauth'), 0)
        if (o.body) refusedBodies.push(o.body)
        return o.status === 401
      },
      10_000,
      'the re-auth verdict',
    )
    await gw.waitForLine(/error: oauth reauth-required/, 5000)

    // The echoing upstream, and wrong gateway tokens.
    const echoed = await oneStream({ ...opts('g01-echo'), model: KEY_MODEL }, 0)
    expect(echoed.status).toBe(401)
    refusedBodies.push(echoed.body ?? '')
    const wrong = canary('gw-wrong-')
    secrets.push(wrong)
    const refused = await oneStream(
      { ...opts('g01-wrong'), token: () => ({ value: wrong, label: 'wrong' }) },
      0,
    )
    expect(refused.status).toBe(401)
    refusedBodies.push(refused.body ?? '')

    // The CLI in debug mode over the same state: status, list, check, a refused paste.
    const status = await cli(rig.home, ['models', 'status'])
    expect(status.stdout).toContain('re-auth required (invalid_grant)')
    await cli(rig.home, ['models', 'status', '--json'])
    await cli(rig.home, ['models', 'status', '--check'])
    await cli(rig.home, ['models', 'auth', 'list'])
    const pasted = canary('sk-ant-api03-')
    secrets.push(pasted)
    const badPaste = await cli(
      rig.home,
      ['models', 'auth', 'paste-api-key', '--provider', 'anthropic', '--profile-id', 'anthropic:bad'],
      `${pasted}\nsecond line`,
    )
    expect(badPaste.code).not.toBe(0)

    // An unexpected internal failure whose error quotes credentials (as a library error may):
    // OPENCLAW_DEBUG adds the stack, and neither it nor the message carries the secret.
    const quoted = canary('sk-proj-')
    const jwt = rig.family.current.access
    secrets.push(quoted)
    const crash = await runMain(['models', 'status'], {
      env: { ...rig.home.env, ...DEBUG_ENV },
      cwd: rig.home.home,
      clock: () => {
        throw new TypeError(`request failed: authorization: Bearer ${jwt} api_key=${quoted}`)
      },
    })
    outputs.push(crash.stdout, crash.stderr)
    expect(crash.code).toBe(1)
    expect(crash.stderr).toMatch(
      /^Error: unexpected internal failure: request failed: authorization: Bearer \[redacted\]/,
    )
    expect(crash.stderr).toMatch(/\n {4}at /)

    expect(await gw.stop()).toBe(0)
    const log = gw.stderr
    // Debug mode was really on: refresh steps with their messages, and per-attempt lines.
    expect(log).toMatch(new RegExp(`info: oauth refresh-start ${OAUTH_PROFILE}: refreshing ${OAUTH_PROFILE}`))
    expect(log).toMatch(new RegExp(`debug: run run_\\S+: ${OAUTH_MODEL} via ${OAUTH_PROFILE}: ok`))
    expect(log).toMatch(/debug: run run_\S+: auth: /)
    expect(log).toMatch(
      new RegExp(`warn: oauth refresh-failed ${OAUTH_PROFILE}: refresh of ${OAUTH_PROFILE} failed`),
    )
    expect(log).toMatch(
      new RegExp(`error: oauth reauth-required ${OAUTH_PROFILE}: ${OAUTH_PROFILE} needs a new login`),
    )

    const marker = CredentialStore.open(rig.home.storePath(), { readonly: true })
    const m = marker.getOAuthRefreshMarker(OAUTH_PROFILE)
    marker.close()
    expectNoCanary(
      [log, ...outputs, ...refusedBodies, JSON.stringify(m), ...load.map((o) => o.body ?? '')],
      secrets,
    )
  }, 60_000)
})
