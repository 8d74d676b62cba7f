/**
 * `--expires-in` durations (src/auth/duration.ts), env key lists (src/env/env-keys.ts) and model
 * refs with `@profile` (src/auth/model-ref.ts): every input either parses to what the grammar
 * says or is refused with an OpenclawError, never anything else.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_DURATION_MS, parseDuration } from '../../src/auth/duration.ts'
import { parseModelRef } from '../../src/auth/model-ref.ts'
import { normalizeProviderId } from '../../src/auth/profile-id.ts'
import { collectEnvApiKeys, providerEnvPrefix, splitKeyList } from '../../src/env/env-keys.ts'
import { nastyString, openclawErrorOf, RAW_CONTROL, runs } from './support.ts'

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }

describe('--expires-in durations', () => {
  const part = fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.constantFrom('w', 'd', 'h', 'm', 's'))
  const spec = fc.uniqueArray(part, { minLength: 1, maxLength: 5, selector: ([, u]) => u })

  it('a sum of distinct units parses to its milliseconds, in any case and surrounding space', () => {
    fc.assert(
      fc.property(spec, fc.boolean(), fc.constantFrom('', ' ', '\t'), (parts, upper, pad) => {
        const text = parts.map(([n, u]) => `${n}${u}`).join('')
        const total = parts.reduce((sum, [n, u]) => sum + n * (UNIT_MS[u] as number), 0)
        const input = `${pad}${upper ? text.toUpperCase() : text}${pad}`
        const err = openclawErrorOf(() => parseDuration(input))
        if (total > 0 && total <= MAX_DURATION_MS) {
          expect(err).toBeUndefined()
          expect(parseDuration(input)).toBe(total)
        } else {
          expect(err?.code).toBe('invalid_duration')
          expect(err?.hint).toMatch(/greater than zero|capped at 100 years/)
        }
      }),
      runs(500),
    )
  })

  it('anything else is refused as invalid_duration, with an escaped message', () => {
    fc.assert(
      fc.property(
        fc.oneof(nastyString(30), fc.stringMatching(/^\d{1,3}[a-z]?(\d{1,3}[a-z]?)?$/)),
        (input) => {
          const err = openclawErrorOf(() => parseDuration(input))
          if (err === undefined) {
            const ms = parseDuration(input)
            expect(ms).toBeGreaterThan(0)
            expect(ms).toBeLessThanOrEqual(MAX_DURATION_MS)
            // Only whole numbers with known, distinct units get here.
            expect(input.trim().toLowerCase()).toMatch(/^(\d+[wdhms])+$/)
            return
          }
          expect(err.code).toBe('invalid_duration')
          expect(err.message.startsWith('Invalid duration "')).toBe(true)
          expect(RAW_CONTROL.test(err.message)).toBe(false)
        },
      ),
      runs(400),
    )
  })
})

describe('env key lists', () => {
  const key = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/)
  const sep = fc.constantFrom(',', ';', ' ', '\n', '\t', ', ', ' ;\n', ',,')

  it('splitKeyList: no empty parts, no separators inside, same keys in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 8 }),
        fc.array(sep, { minLength: 9, maxLength: 9 }),
        sep,
        (keys, seps, edge) => {
          const text = edge + keys.map((k, i) => k + seps[i]).join('') + edge
          const parts = splitKeyList(text)
          expect(parts).toEqual(keys)
          for (const p of parts) expect(p).toMatch(/^[^\s,;]+$/)
          expect(splitKeyList(parts.join(','))).toEqual(parts)
        },
      ),
      runs(400),
    )
  })

  it('collectEnvApiKeys: deduped keeping the first, no empties or placeholders, labels never hold values', () => {
    const value = fc.oneof(key, fc.constantFrom('', ' ', 'undefined', 'null', 'dup-key'))
    const listValue = fc.array(value, { maxLength: 4 }).map((v) => v.join(','))
    fc.assert(
      fc.property(
        fc.constantFrom('anthropic', 'openai', 'google', 'my-provider'),
        fc.record(
          {
            list: listValue,
            live: listValue,
            single: value,
            n1: value,
            n10: value,
            n2: value,
            google: value,
          },
          { requiredKeys: [] },
        ),
        (provider, v) => {
          const p = providerEnvPrefix(provider)
          const env: Record<string, string | undefined> = {
            [`${p}_API_KEYS`]: v.list,
            [`OPENCLAW_LIVE_${p}_KEYS`]: v.live,
            [`${p}_API_KEY`]: v.single,
            [`${p}_API_KEY_1`]: v.n1,
            [`${p}_API_KEY_10`]: v.n10,
            [`${p}_API_KEY_2`]: v.n2,
            GOOGLE_API_KEY: v.google,
          }
          const got = collectEnvApiKeys(provider, env)
          const values = got.map((k) => k.value)
          expect(new Set(values).size).toBe(values.length)
          for (const k of got) {
            expect(k.value).not.toBe('')
            expect(['undefined', 'null']).not.toContain(k.value)
            expect(k.value.trim()).toBe(k.value)
            expect(k.source.startsWith(`env: ${k.varName}`)).toBe(true)
            if (k.value.length > 3) expect(k.source).not.toContain(k.value)
          }
          // First occurrence wins: the expected order, built independently.
          const ordered: string[] = []
          const add = (raw: string | undefined, list = false) => {
            for (const part of list ? splitKeyList(raw ?? '') : [raw ?? '']) {
              const t = part.trim()
              if (t && t !== 'undefined' && t !== 'null' && !ordered.includes(t)) ordered.push(t)
            }
          }
          add(v.list, true)
          add(v.live, true)
          add(v.single)
          add(v.n1)
          add(v.n2)
          add(v.n10)
          if (provider === 'google') add(v.google)
          expect(values).toEqual(ordered)
        },
      ),
      runs(400),
    )
  })

  it('google: GOOGLE_* and GEMINI_* families rank by rank, GOOGLE_API_KEY last, first occurrence wins', () => {
    const value = fc.oneof(key, fc.constantFrom('', ' ', 'undefined', 'null', 'dup-key'))
    const listValue = fc.array(value, { maxLength: 4 }).map((v) => v.join(','))
    const names = [
      'GOOGLE_API_KEYS',
      'OPENCLAW_LIVE_GOOGLE_KEYS',
      'GEMINI_API_KEYS',
      'OPENCLAW_LIVE_GEMINI_KEYS',
      'GEMINI_API_KEY',
      'GOOGLE_API_KEY_2',
      'GOOGLE_API_KEY_10',
      'GEMINI_API_KEY_1',
      'GOOGLE_API_KEY',
    ] as const
    const isList = (n: string) => n.endsWith('_KEYS')
    fc.assert(
      fc.property(
        fc.constantFrom('google', 'google-vertex'),
        fc.dictionary(fc.constantFrom(...names), fc.oneof(listValue, value), { maxKeys: names.length }),
        // Enumeration order of the env must not matter for the result.
        fc.boolean(),
        (provider, picked, reverse) => {
          const entries = Object.entries(picked)
          const env: Record<string, string | undefined> = Object.fromEntries(
            reverse ? entries.reverse() : entries,
          )
          const got = collectEnvApiKeys(provider, env)
          const ordered: string[] = []
          const sources: string[] = []
          for (const n of names) {
            // google-vertex's formula family is GOOGLE_VERTEX_*; it shares only GEMINI_* and the fallback.
            if (provider === 'google-vertex' && n.startsWith('GOOGLE_') && n !== 'GOOGLE_API_KEY') continue
            if (provider === 'google-vertex' && n === 'OPENCLAW_LIVE_GOOGLE_KEYS') continue
            const raw = env[n]
            if (raw === undefined) continue
            const parts = isList(n) ? splitKeyList(raw) : [raw]
            parts.forEach((part, i) => {
              const t = part.trim()
              if (!t || t === 'undefined' || t === 'null' || ordered.includes(t)) return
              ordered.push(t)
              sources.push(isList(n) ? `env: ${n}[${i}]` : `env: ${n}`)
            })
          }
          expect(got.map((k) => k.value)).toEqual(ordered)
          expect(got.map((k) => k.source)).toEqual(sources)
        },
      ),
      runs(400),
    )
  })

  it('a set OPENCLAW_LIVE_<P>_KEY pins exactly that one key', () => {
    fc.assert(
      fc.property(key, fc.array(key, { maxLength: 4 }), (pin, others) => {
        const got = collectEnvApiKeys('openai', {
          OPENCLAW_LIVE_OPENAI_KEY: ` ${pin} `,
          OPENAI_API_KEYS: others.join(','),
        })
        expect(got).toEqual([
          { value: pin, varName: 'OPENCLAW_LIVE_OPENAI_KEY', source: 'env: OPENCLAW_LIVE_OPENAI_KEY' },
        ])
      }),
      runs(200),
    )
  })
})

describe('model refs with @profile', () => {
  const provider = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/)
  const model = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,30}$/).filter((m) => !m.endsWith('/'))
  const name = fc.stringMatching(/^[A-Za-z0-9_+][A-Za-z0-9._+-]{0,15}$/)

  it('<provider>/<model>[@<provider>:<name>] parses to its parts, split on the first slash', () => {
    fc.assert(
      fc.property(provider, model, fc.option(name, { nil: undefined }), fc.boolean(), (p, m, n, upper) => {
        const shownProvider = upper ? p.toUpperCase() : p
        const text = `${shownProvider}/${m}${n === undefined ? '' : `@${p}:${n}`}`
        const ref = parseModelRef(`  ${text} `)
        const normalized = normalizeProviderId(shownProvider)
        expect(ref.provider).toBe(normalized)
        expect(ref.model).toBe(m)
        expect(ref.key).toBe(`${normalized}/${m}`)
        expect(ref.profileId).toBe(n === undefined ? undefined : `${p}:${n}`)
      }),
      runs(500),
    )
  })

  it('a pin for another provider is refused as profile_provider_mismatch', () => {
    fc.assert(
      fc.property(provider, provider, model, name, (p, q, m, n) => {
        fc.pre(normalizeProviderId(p) !== normalizeProviderId(q))
        const err = openclawErrorOf(() => parseModelRef(`${p}/${m}@${q}:${n}`))
        expect(err?.code).toBe('profile_provider_mismatch')
      }),
      runs(300),
    )
  })

  it('arbitrary input: only OpenclawErrors; no control or bidi character accepted or echoed raw', () => {
    fc.assert(
      fc.property(fc.oneof(nastyString(60), fc.string({ unit: 'binary', maxLength: 600 })), (text) => {
        const err = openclawErrorOf(() => parseModelRef(text))
        if (err === undefined) {
          const ref = parseModelRef(text)
          expect(ref.key).toBe(`${ref.provider}/${ref.model}`)
          expect(/\s/.test(ref.model)).toBe(false)
          expect(RAW_CONTROL.test(ref.model), JSON.stringify(ref.model)).toBe(false)
          return
        }
        expect(['invalid_input', 'invalid_profile_id', 'profile_provider_mismatch']).toContain(err.code)
        expect(RAW_CONTROL.test(err.message), JSON.stringify(err.message)).toBe(false)
      }),
      runs(800),
    )
  })

  it.each([
    ['DEL', '\x7f', '\\u007f'],
    ['a C1 CSI', '\u009b2J', '\\u009b2J'],
    ['NEL', '\u0085', '\\u0085'],
    ['a right-to-left override', '\u202ex', '\\u202ex'],
    ['a right-to-left isolate', '\u2067x', '\\u2067x'],
    ['a right-to-left mark', '\u200fx', '\\u200fx'],
  ])('%s in a model id is refused and shown escaped', (_, bad, shown) => {
    const err = openclawErrorOf(() => parseModelRef(`openai/gpt${bad}`))
    expect(err?.code).toBe('invalid_input')
    expect(err?.message).toBe(
      `Invalid model reference "openai/gpt${shown}": it contains whitespace, a control character or a bidi override.`,
    )
  })

  it('non-ASCII letters in a model id stay accepted (only invisible and control characters are refused)', () => {
    expect(parseModelRef('local/modèle-7b').model).toBe('modèle-7b')
  })
})
