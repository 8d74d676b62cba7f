/**
 * SecretRef grammar (src/secrets/ref.ts): generated valid refs are accepted and round trip
 * through the CLI form `<source>:<provider>:<id>`; JSON pointers round trip through their
 * ~0/~1 escapes; invalid ids are refused before any provider could run, and a violation never
 * quotes the id (A-06: a mistyped ref field sometimes holds the secret itself).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ALIAS_RE,
  asSecretRef,
  ENV_ID_RE,
  EXEC_ID_RE,
  formatRef,
  MAX_POINTER_SEGMENTS,
  parsePointer,
  parseRefSpec,
  RULES,
  refIdViolation,
  SOURCES,
} from '../../src/secrets/ref.ts'
import { nastyString, RAW_CONTROL, runs } from './support.ts'

function fixedMessages(source: (typeof SOURCES)[number]): string[] {
  return [
    RULES[source],
    `the ref id is empty; ${RULES[source]}`,
    `${RULES.file} (a pointer must start with "/")`,
    `${RULES.file} ("~" must be followed by 0 or 1)`,
  ]
}

const alias = fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/)
const envId = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,30}$/)
const execSegment = fc
  .stringMatching(/^[A-Za-z0-9_#:-][A-Za-z0-9._:#-]{0,10}$/)
  .filter((s) => s !== '.' && s !== '..')
const execId = fc
  .array(execSegment, { minLength: 1, maxLength: 4 })
  .map((segs) => segs.join('/'))
  .filter((id) => /^[A-Za-z0-9]/.test(id))
const pointerSegment = fc
  .string({ unit: 'grapheme-ascii', maxLength: 8 })
  .filter((s) => !/[\x00-\x1f\x7f]/.test(s))
const escapeSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')

describe('SecretRef ids', () => {
  it('generated valid ids are accepted for their source and round trip through the CLI form', () => {
    const ref = fc.oneof(
      fc.record({ source: fc.constant('env' as const), provider: alias, id: envId }),
      fc.record({ source: fc.constant('exec' as const), provider: alias, id: execId }),
      fc.record({
        source: fc.constant('file' as const),
        provider: alias,
        id: fc
          .array(pointerSegment, { minLength: 1, maxLength: 6 })
          .map((segs) => `/${segs.map(escapeSegment).join('/')}`),
      }),
    )
    fc.assert(
      fc.property(ref, (r) => {
        expect(refIdViolation(r.source, r.id)).toBeUndefined()
        expect(parseRefSpec(`${r.source}:${r.provider}:${r.id}`)).toEqual(r)
        expect(asSecretRef(r)).toEqual(r)
        // The display form JSON-escapes the id (quotes, backslashes, controls), nothing else.
        expect(formatRef(r)).toBe(`${r.source}:${r.provider}:${JSON.stringify(r.id).slice(1, -1)}`)
      }),
      runs(500),
    )
  })

  it('JSON pointers decode ~1 and ~0 in the right order and reject every other ~ escape', () => {
    fc.assert(
      fc.property(fc.array(pointerSegment, { minLength: 1, maxLength: MAX_POINTER_SEGMENTS }), (segs) => {
        expect(parsePointer(`/${segs.map(escapeSegment).join('/')}`)).toEqual(segs)
      }),
      runs(400),
    )
    fc.assert(
      fc.property(pointerSegment, fc.constantFrom('~', '~2', '~a', '~~1'), pointerSegment, (a, bad, b) => {
        // A bare "~" followed by an escaped segment starting 0/1 would form a valid escape.
        fc.pre(!(bad === '~' && /^[01]/.test(escapeSegment(b))))
        const p = `/${escapeSegment(a)}${bad}${escapeSegment(b)}`
        expect(typeof parsePointer(p)).toBe('string')
      }),
      runs(200),
    )
  })

  it('arbitrary ids: accepted exactly by the per-source grammar; violations quote the rule, never the id', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SOURCES),
        fc.oneof(nastyString(50), fc.string({ unit: 'binary', maxLength: 80 }), execId, envId),
        (source, id) => {
          const v = refIdViolation(source, id)
          const expected =
            source === 'env'
              ? ENV_ID_RE.test(id)
              : source === 'exec'
                ? EXEC_ID_RE.test(id) && !id.split('/').some((s) => s === '.' || s === '..')
                : undefined
          if (expected !== undefined)
            expect(v === undefined, `${source} ${JSON.stringify(id)}`).toBe(expected)
          // The message is one of a fixed set of rule texts: it cannot quote the id.
          if (v !== undefined) expect(fixedMessages(source)).toContain(v)
        },
      ),
      runs(600),
    )
  })

  it('the CLI form never throws: a ref or a rule, and aliases follow their grammar', () => {
    fc.assert(
      fc.property(nastyString(60), (spec) => {
        const r = parseRefSpec(spec)
        if (typeof r === 'string') {
          expect(RAW_CONTROL.test(r)).toBe(false)
          return
        }
        expect(SOURCES).toContain(r.source)
        expect(ALIAS_RE.test(r.provider)).toBe(true)
        expect(refIdViolation(r.source, r.id)).toBeUndefined()
      }),
      runs(800),
    )
  })
})
