/**
 * openclaw.json (src/config/load.ts, schema.ts): any text either parses or fails with a
 * config_invalid OpenclawError naming the file; any parsed value validates without throwing,
 * every issue names a key path inside the section that holds the bad value, and no issue ever
 * prints a raw control character or the value of a secret-bearing field.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig, parseConfigText } from '../../src/config/load.ts'
import { validateConfig } from '../../src/config/schema.ts'
import { formatIssue, joinPath } from '../../src/config/schema-dsl.ts'
import { nastyString, openclawErrorOf, RAW_CONTROL, runs } from './support.ts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-prop-config-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const SECTIONS = ['agents', 'auth', 'models', 'env', 'secrets', 'gateway', '$schema'] as const
/** Values shaped like config sections, so validation goes deep instead of failing at the top. */
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      65536,
      '',
      'anthropic',
      'openai/gpt-5',
      'api_key',
      'oauth',
    ),
    nastyString(20),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'profiles',
          'order',
          'providers',
          'list',
          'defaults',
          'model',
          'mode',
          'provider',
          'id',
        ),
        fc.constantFrom('apiKey', 'baseUrl', 'api', 'token', 'port', 'vars', 'anthropic:work', '__proto__'),
        nastyString(10),
      ),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value

const config = fc.dictionary(fc.oneof(fc.constantFrom(...SECTIONS), nastyString(8)), jsonish, { maxKeys: 4 })

describe('config parsing', () => {
  it('any text parses or fails with config_invalid naming the file', () => {
    const text = fc.oneof(
      nastyString(80),
      fc.string({ unit: 'binary', maxLength: 200 }),
      config.map((c) => JSON.stringify(c, null, 1)),
      // Broken JSON: a valid document with a slice cut out or junk spliced in.
      fc
        .tuple(
          config.map((c) => JSON.stringify(c)),
          fc.nat(),
          fc.nat({ max: 5 }),
          nastyString(4),
        )
        .map(
          ([t, at, cut, junk]) =>
            t.slice(0, at % (t.length + 1)) + junk + t.slice((at % (t.length + 1)) + cut),
        ),
    )
    fc.assert(
      fc.property(text, (t) => {
        const err = openclawErrorOf(() => parseConfigText(t, '/cfg/openclaw.json'))
        if (err === undefined) return
        expect(err.code).toBe('config_invalid')
        expect(err.message.startsWith('Config /cfg/openclaw.json is not valid JSON5: ')).toBe(true)
        expect(RAW_CONTROL.test(err.message), JSON.stringify(err.message)).toBe(false)
      }),
      runs(600),
    )
  })

  // json5 quotes the offending character and escapes only C0 itself; parseConfigText escapes
  // the rest (DEL, C1 such as the terminal CSI U+009B, bidi overrides, any non-ASCII).
  it.each([
    ['DEL', '\x7f', '\\u007f', 2],
    ['a C1 CSI', '\u009b', '\\u009b', 2],
    ['a right-to-left override', '\u202e', '\\u202e', 2],
    ['a Latin-1 letter', '\u00e9', '\\u00e9', 2],
    ['an astral character', '\u{1f980}', '\\ud83e\\udd80', 3],
    ['a C0 control (json5 escapes it)', '\x01', '\\x01', 2],
  ])('a JSON5 syntax error at %s shows it escaped', (_, ch, shown, column) => {
    expect(openclawErrorOf(() => parseConfigText(`[${ch}]`, 'p'))?.message).toBe(
      `Config p is not valid JSON5: invalid character '${shown}' (line 1, column ${column})`,
    )
  })

  it('validation never throws; each issue names a key path inside the section holding the bad value', () => {
    fc.assert(
      fc.property(config, (raw) => {
        const result = validateConfig(raw)
        const roots = Object.keys(raw).map((k) => joinPath('', k))
        for (const issue of [...result.errors, ...result.warnings]) {
          expect(typeof issue.path).toBe('string')
          const inside =
            issue.path === '' ||
            roots.some(
              (r) => issue.path === r || issue.path.startsWith(`${r}.`) || issue.path.startsWith(`${r}[`),
            )
          expect(inside, `${issue.path} not under ${roots.join(', ')}`).toBe(true)
          expect(RAW_CONTROL.test(formatIssue(issue)), formatIssue(issue)).toBe(false)
        }
      }),
      runs(800),
    )
  })

  it('secret-bearing fields never echo their value in an issue', () => {
    const secret = fc.stringMatching(/^[a-z]{2}-[A-Za-z0-9]{12,24}$/)
    fc.assert(
      fc.property(secret, fc.constantFrom('\r\n', '\x00', '\n', ''), (s, ctrl) => {
        const bad = `${s.slice(0, 6)}${ctrl}${s.slice(6)}`
        const raw = {
          models: { providers: { openai: { apiKey: bad, baseUrl: 42 } } },
          gateway: { auth: { mode: 'token', token: bad } },
        }
        const { errors, warnings } = validateConfig(raw)
        for (const issue of [...errors, ...warnings]) expect(formatIssue(issue)).not.toContain(s.slice(6))
      }),
      runs(300),
    )
  })

  it('loadConfig end to end: only OpenclawErrors, always naming the file', () => {
    let n = 0
    fc.assert(
      fc.property(
        fc.oneof(
          config.map((c) => JSON.stringify(c)),
          nastyString(60),
        ),
        fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/), fc.string({ maxLength: 8 }), {
          maxKeys: 3,
        }),
        (text, env) => {
          const file = path.join(dir, `c${++n}.json`)
          fs.writeFileSync(file, text)
          const err = openclawErrorOf(() => loadConfig(file, env))
          if (err === undefined) return
          expect(['config_invalid', 'config_unreadable']).toContain(err.code)
          expect(err.message).toContain(file)
        },
      ),
      runs(300),
    )
  })
})
