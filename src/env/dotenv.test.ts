import { describe, expect, it } from 'vitest'
import { parseDotenv, parseDotenvSimple } from './dotenv.ts'

const SAMPLE = [
  '# comment',
  'A=1',
  'B="two words"',
  "C='single # not a comment'",
  'export D=exported',
  'E=x # trailing comment',
  'F="multi',
  'line"',
  '',
  'G=',
].join('\n')

describe('parseDotenv', () => {
  it('parses the common forms', () => {
    expect(parseDotenv(SAMPLE)).toEqual({
      A: '1',
      B: 'two words',
      C: 'single # not a comment',
      D: 'exported',
      E: 'x',
      F: 'multi\nline',
      G: '',
    })
  })

  it('tolerates a BOM and CRLF line endings', () => {
    expect(parseDotenv('\uFEFFFIRST=1\r\nSECOND="two"\r\n')).toEqual({ FIRST: '1', SECOND: 'two' })
  })

  it('drops junk names instead of inventing variables', () => {
    const out = parseDotenv('JUNK LINE\nOK=1\n__proto__=x\n')
    expect(out.OK).toBe('1')
    for (const name of Object.keys(out)) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_.-]*$/)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
  })
})

describe('parseDotenvSimple (fallback for runtimes without util.parseEnv)', () => {
  it('agrees with the main parser on the common forms', () => {
    expect(parseDotenvSimple(SAMPLE)).toEqual(parseDotenv(SAMPLE))
  })
})
