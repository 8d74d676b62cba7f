/**
 * security-and-reliability.md 2.D, exec failure rows D-EXEC-02..09: each runs a real fixture
 * provider through the resolver; every message is checked for its exact fault wording and
 * scanned for planted canaries.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  cfg,
  messageOf,
  okProvider,
  one,
  rawProvider,
  resolveIds,
} from './fixtures/secret-providers/exec-helpers.ts'
import { isAlive, makeProviderDir, waitFor } from './fixtures/secret-providers/install.ts'
import { canary, expectNoCanary } from './support/cli.ts'

describe('D-EXEC-02/03: hanging and slow-drip providers', () => {
  it('a provider that never writes or exits is killed at timeoutMs and leaves no process', async () => {
    const p = makeProviderDir()
    const pidFile = path.join(p.dir, 'pid')
    const started = Date.now()
    const r = await one(
      cfg(p.install('hang.mjs'), { args: [pidFile], timeoutMs: 400, noOutputTimeoutMs: 5000 }),
    )
    expect(messageOf(r)).toBe('exec provider "vault": timed out after 400 ms')
    expect(Date.now() - started).toBeLessThan(3000)
    const pid = Number(fs.readFileSync(pidFile, 'utf8'))
    await waitFor(() => !isAlive(pid), 5000, 'the hung provider to die')
  })

  it('no output at all trips noOutputTimeoutMs first', async () => {
    const p = makeProviderDir()
    const r = await one(cfg(p.install('hang.mjs'), { timeoutMs: 5000, noOutputTimeoutMs: 300 }))
    expect(messageOf(r)).toBe('exec provider "vault": produced no output for 300 ms')
  })

  it('one byte at a time defeats the idle timer but not the total timeout', async () => {
    const p = makeProviderDir()
    const r = await one(
      cfg(p.install('slow-drip.mjs'), { args: ['50'], timeoutMs: 700, noOutputTimeoutMs: 400 }),
    )
    expect(messageOf(r)).toBe('exec provider "vault": timed out after 700 ms')
  })
})

describe('D-EXEC-04: oversized output', () => {
  it.each([
    ['stdout', 1024 * 1024 + 1],
    ['stderr', 1024 * 1024 + 1],
  ])('%s flood of %i bytes is killed with "output exceeded maxOutputBytes"', async (stream, bytes) => {
    const p = makeProviderDir()
    const r = await one(cfg(p.install('flood.mjs'), { args: [stream, String(bytes)] }))
    expect(messageOf(r)).toBe('exec provider "vault": output exceeded maxOutputBytes (1048576)')
  })
})

describe('D-EXEC-05: hostile or malformed JSON, each a distinct error', () => {
  const cases: Array<[string, string, string]> = [
    ['invalid JSON', '{"protocolVersion":1,"values":', 'returned invalid JSON'],
    ['a JSON array', '[1,2,3]', 'returned JSON that is not an object'],
    [
      'protocolVersion 2',
      '{"protocolVersion":2,"values":{"a":"x","b":"y"}}',
      'returned an unsupported protocolVersion (expected 1)',
    ],
    ['missing values', '{"protocolVersion":1}', 'response has no "values" object'],
    ['values missing one id', '{"protocolVersion":1,"values":{"a":"x"}}', 'response missing id "b"'],
    [
      'a number value',
      '{"protocolVersion":1,"values":{"a":"x","b":42}}',
      'value for id "b" is not a non-empty string',
    ],
    [
      'an object value',
      '{"protocolVersion":1,"values":{"a":{"v":"x"},"b":"y"}}',
      'value for id "a" is not a non-empty string',
    ],
    [
      'an empty string value',
      '{"protocolVersion":1,"values":{"a":"","b":"y"}}',
      'value for id "a" is not a non-empty string',
    ],
    [
      'errors not an object',
      '{"protocolVersion":1,"values":{"a":"x","b":"y"},"errors":[]}',
      'response "errors" is not an object',
    ],
  ]
  it.each(cases)('%s fails the whole batch: %s', async (_name, body, expected) => {
    const { command, args } = rawProvider(body)
    const results = await resolveIds(cfg(command, { args }), ['a', 'b'])
    // Nothing partially applied: both ids fail with the same protocol fault.
    for (const r of results) expect(messageOf(r)).toBe(`exec provider "vault": ${expected}`)
  })

  it('extra unknown ids are ignored', async () => {
    const { command, args } = rawProvider('{"protocolVersion":1,"values":{"a":"va","b":"vb","zzz":"extra"}}')
    expect(await resolveIds(cfg(command, { args }), ['a', 'b'])).toEqual([
      { ok: true, value: 'va' },
      { ok: true, value: 'vb' },
    ])
  })

  it('a value with a line break is refused by name', async () => {
    const { command, args } = rawProvider('{"protocolVersion":1,"values":{"k":"abc\\r\\nX-Injected: 1"}}')
    expect(messageOf(await one(cfg(command, { args })))).toBe(
      'exec provider "vault": value for id "k" contains a line break or NUL (refused)',
    )
  })
})

describe('D-EXEC-06/07: secrets in stderr, stdout or provider error text never surface', () => {
  it('secret on stderr and exit 1 says only "exited with code 1"', async () => {
    const secret = canary()
    const p = makeProviderDir()
    const command = p.install('respond-raw.mjs')
    const args = [
      p.file('out.txt', `{"protocolVersion":1,"values":{"k":"${secret}"}}`),
      '1',
      '--stderr',
      p.file('err.txt', `Error: token ${secret} rejected\n`),
    ]
    const r = await one(cfg(command, { args }))
    expect(messageOf(r)).toBe('exec provider "vault": exited with code 1')
    expectNoCanary([JSON.stringify(r)], [secret])
  })

  it('the canary inside invalid JSON on stdout says only "returned invalid JSON"', async () => {
    const secret = canary()
    const { command, args } = rawProvider(`{"protocolVersion":1,"values":{"k":"${secret}"`)
    const r = await one(cfg(command, { args }))
    expect(messageOf(r)).toBe('exec provider "vault": returned invalid JSON')
    expectNoCanary([JSON.stringify(r)], [secret])
  })

  it('a per-id error message carrying the secret is dropped; only NOT_FOUND is shown', async () => {
    const secret = canary()
    const { command, args } = okProvider({ present: 'v' }, { leak: secret })
    const [missing, present] = await resolveIds(cfg(command, { args }), ['missing', 'present'])
    expect(messageOf(missing!)).toBe('exec provider "vault": reported an error for id "missing" (NOT_FOUND)')
    expect(present).toEqual({ ok: true, value: 'v' })
    expectNoCanary([JSON.stringify(missing)], [secret])
  })

  it('an unknown error code (which could be anything) is not shown either', async () => {
    const secret = canary()
    const { command, args } = rawProvider(
      JSON.stringify({ protocolVersion: 1, values: {}, errors: { k: { code: secret, message: secret } } }),
    )
    const r = await one(cfg(command, { args }))
    expect(messageOf(r)).toBe('exec provider "vault": reported an error for id "k"')
    expectNoCanary([JSON.stringify(r)], [secret])
  })
})

describe('D-EXEC-08: stdin closed early or read slowly', () => {
  // 400 ids of ~250 chars: a request far larger than a pipe buffer, so our write meets EPIPE.
  const ids = Array.from({ length: 400 }, (_, i) => `id${i}-${'x'.repeat(240)}`)

  it('EPIPE on the request write is tolerated', async () => {
    const values = Object.fromEntries(ids.map((id) => [id, `v-${id.slice(0, 6)}`]))
    const { command, args } = rawProvider(JSON.stringify({ protocolVersion: 1, values }), 0, [
      '--close-stdin',
    ])
    const results = await resolveIds(cfg(command, { args }), ids)
    expect(results.every((r) => r.ok)).toBe(true)
  })

  it('a provider that never reads stdin is still bounded by the total timeout', async () => {
    const p = makeProviderDir()
    const results = await resolveIds(cfg(p.install('hang.mjs'), { timeoutMs: 400 }), ids)
    expect(messageOf(results[0]!)).toBe('exec provider "vault": timed out after 400 ms')
  })
})

describe('D-EXEC-09: signals and empty stdout', () => {
  it('killed by SIGSEGV', async () => {
    const p = makeProviderDir()
    expect(messageOf(await one(cfg(p.install('signal.sh'))))).toBe(
      'exec provider "vault": terminated by signal SIGSEGV',
    )
  })

  it('exit 0 with empty stdout', async () => {
    const p = makeProviderDir()
    expect(messageOf(await one(cfg(p.install('empty.sh'))))).toBe(
      'exec provider "vault": returned empty stdout',
    )
  })
})
