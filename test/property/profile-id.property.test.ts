/**
 * Profile, provider and agent ids (src/auth/profile-id.ts) against an oracle written from the
 * grammar: `<provider>:<name>`, provider ^[a-z0-9][a-z0-9._-]{0,63}$, name of letters, digits and
 * `._@+-`, not starting with `-` or `.`, at most 128 characters, 160 in all. Valid ids round trip;
 * nothing else is ever accepted; error messages never carry a raw control character.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  escapeForMessage,
  isValidProfileId,
  parseProfileId,
  validateAgentId,
  validateProviderId,
} from '../../src/auth/profile-id.ts'
import { nastyString, openclawErrorOf, RAW_CONTROL, runs } from './support.ts'

const PROVIDER = /^[a-z0-9][a-z0-9._-]{0,63}$/
const NAME = /^[A-Za-z0-9_@+][A-Za-z0-9._@+-]{0,127}$/
const AGENT = /^[a-z0-9][a-z0-9_-]{0,63}$/

function oracle(id: string): boolean {
  const colon = id.indexOf(':')
  if (colon < 0 || id.length > 160) return false
  return PROVIDER.test(id.slice(0, colon)) && NAME.test(id.slice(colon + 1))
}

const provider = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/)
const name = fc.stringMatching(/^[A-Za-z0-9_@+][A-Za-z0-9._@+-]{0,30}$/)
const validId = fc.tuple(provider, name).map(([p, n]) => `${p}:${n}`)
/** Near misses: a valid id with one hostile piece spliced in somewhere. */
const nearMiss = fc
  .tuple(validId, nastyString(8), fc.nat())
  .map(([id, junk, at]) => id.slice(0, at % (id.length + 1)) + junk + id.slice(at % (id.length + 1)))

describe('profile ids', () => {
  it('valid ids round trip through parseProfileId', () => {
    fc.assert(
      fc.property(validId, (id) => {
        expect(isValidProfileId(id)).toBe(true)
        const parsed = parseProfileId(id)
        expect(`${parsed.provider}:${parsed.name}`).toBe(id)
        expect(parsed.provider).toBe(id.slice(0, id.indexOf(':')))
      }),
      runs(300),
    )
  })

  it('exactly the grammar is accepted; refusals are OpenclawErrors with escaped messages', () => {
    fc.assert(
      fc.property(
        fc.oneof(nearMiss, nastyString(60), fc.string({ unit: 'binary', maxLength: 200 })),
        (id) => {
          expect(isValidProfileId(id), JSON.stringify(id)).toBe(oracle(id))
          const err = openclawErrorOf(() => parseProfileId(id))
          if (oracle(id)) {
            expect(err).toBeUndefined()
            return
          }
          expect(err?.code).toBe('invalid_profile_id')
          expect(err?.message).toMatch(/^Invalid auth profile id ".*": .+\. Expected <provider>:<name>/s)
          expect(RAW_CONTROL.test(err?.message ?? ''), JSON.stringify(err?.message)).toBe(false)
          expect((err?.message ?? '').length).toBeLessThan(500)
        },
      ),
      runs(1000),
    )
  })

  it('provider and agent ids: accepted exactly by their grammar, refusals escaped', () => {
    fc.assert(
      fc.property(fc.oneof(provider, nastyString(70), fc.stringMatching(/^[A-Za-z0-9_.-]{0,70}$/)), (id) => {
        const p = openclawErrorOf(() => validateProviderId(id))
        expect(p === undefined, `provider ${JSON.stringify(id)}`).toBe(PROVIDER.test(id))
        // Agent ids are case-insensitive ASCII.
        const a = openclawErrorOf(() => validateAgentId(id))
        const agentOk = /^[\x21-\x7e]*$/.test(id) && AGENT.test(id.toLowerCase())
        expect(a === undefined, `agent ${JSON.stringify(id)}`).toBe(agentOk)
        if (agentOk) expect(validateAgentId(id)).toBe(id.toLowerCase())
        for (const e of [p, a])
          if (e) expect(RAW_CONTROL.test(e.message), JSON.stringify(e.message)).toBe(false)
      }),
      runs(1000),
    )
  })

  it('escapeForMessage is printable ASCII, bounded, and lossless for plain ids', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const shown = escapeForMessage(s)
        expect(/^[\x20-\x7e]*$/.test(shown)).toBe(true)
        expect(shown.length).toBeLessThanOrEqual(80)
      }),
      runs(500),
    )
    fc.assert(
      fc.property(validId, (id) => {
        if (id.length <= 77) expect(escapeForMessage(id)).toBe(id)
      }),
      runs(200),
    )
  })
})
