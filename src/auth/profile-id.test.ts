import { describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import {
  escapeForMessage,
  isValidProfileId,
  normalizeProviderId,
  parseProfileId,
  validateAgentId,
  validateProviderId,
} from './profile-id.ts'

function errorOf(fn: () => unknown): OpenclawError {
  try {
    fn()
  } catch (e) {
    if (OpenclawError.isInstance(e)) return e
    throw e
  }
  throw new Error('expected a throw')
}

const NFC_E = '\u00e9'
const NFD_E = 'e\u0301'

describe('parseProfileId', () => {
  it.each([
    ['anthropic:work', 'anthropic', 'work'],
    ['openai:user@example.com', 'openai', 'user@example.com'],
    ['anthropic:manual', 'anthropic', 'manual'],
    ['github-copilot:github', 'github-copilot', 'github'],
    ['google-vertex:proj_1.prod', 'google-vertex', 'proj_1.prod'],
    ['openai-codex:codex-cli', 'openai-codex', 'codex-cli'],
    ['a:b', 'a', 'b'],
    ['x.y_z-1:Name+tag@host.io', 'x.y_z-1', 'Name+tag@host.io'],
    // Windows device names are harmless here: ids never become file names.
    ['anthropic:CON', 'anthropic', 'CON'],
    [`p:${'n'.repeat(128)}`, 'p', 'n'.repeat(128)],
  ])('accepts %j', (id, provider, name) => {
    expect(parseProfileId(id)).toEqual({ provider, name })
    expect(isValidProfileId(id)).toBe(true)
  })

  it('splits on the first colon only, so a colon in the name is rejected', () => {
    expect(() => parseProfileId('anthropic:a:b')).toThrow(/may only contain/)
  })

  it('accepts exactly 160 characters and rejects 161', () => {
    const provider = 'p'.repeat(40)
    const ok = `${provider}:${'n'.repeat(119)}`
    expect(ok).toHaveLength(160)
    expect(() => parseProfileId(ok)).not.toThrow()
    expect(() => parseProfileId(`${ok}x`)).toThrow(/longer than 160/)
  })

  it.each([
    ['../x', /no ':'|path separator/],
    ['..', /no ':'/],
    ['a/b', /path separator/],
    ['/etc/passwd', /path separator/],
    ['anthropic:../x', /path separator/],
    ['anthropic:..', /must not start with/],
    ['anthropic:.', /must not start with/],
    ['anthropic:.hidden', /must not start with/],
    ['anthropic:a\\b', /path separator/],
    ['%2e%2e%2f', /'%'/],
    ['anthropic:%2e%2e%2f', /'%'/],
    ['anthropic:\x00', /control character/],
    ['\x00', /control character/],
    ['anthropic:work\r\n', /control character/],
    ['\r\n', /empty/],
    ['anthropic:\x1b[31mred', /control character/],
    ['anthropic:a\x7f', /control character/],
    ['anthropic:-flag', /must not start with '-'/],
    ['-anthropic:work', /provider id must match/],
    [`anthropic:${'a'.repeat(300)}`, /longer than 160/],
    [`p:${'n'.repeat(129)}`, /name is longer than 128/],
    [`anthropic:caf${NFC_E}`, /non-ASCII/],
    [`anthropic:caf${NFD_E}`, /non-ASCII/],
    ['', /empty/],
    ['   ', /empty/],
    ['\t', /empty/],
    ['anthropic: work', /whitespace/],
    ['anthropic:work\u00a0', /whitespace|non-ASCII/],
    ['anthropic:\u{1F600}', /non-ASCII/],
    ['anthropic:a\u202Eb', /non-ASCII/],
    ['anthropic', /no ':'/],
    [':work', /provider part is empty/],
    ['anthropic:', /name part is empty/],
    ['Anthropic:work', /provider id must match/],
    ['anthro pic:work', /whitespace/],
    ['anthropic:a,b', /may only contain/],
    ['anthropic:a#b', /may only contain/],
  ])('rejects %j with the rule in the message', (id, rule) => {
    const e = errorOf(() => parseProfileId(id))
    expect(e.code).toBe('invalid_profile_id')
    expect(e.message).toMatch(rule)
    expect(e.message).toMatch(/Expected <provider>:<name>, e\.g\. anthropic:work\.$/)
    expect(isValidProfileId(id)).toBe(false)
  })

  it('treats NFC and NFD spellings alike: both rejected, never two look-alike ids', () => {
    expect(isValidProfileId(`openai:jos${NFC_E}`)).toBe(false)
    expect(isValidProfileId(`openai:jos${NFD_E}`)).toBe(false)
  })

  it('never puts raw control characters or non-ASCII into the message', () => {
    for (const id of ['a:\x00\x1b[2J', 'a:\r\nINJECTED', `a:\u202E${NFD_E}\u{1F600}`, 'a:\x7f']) {
      const e = errorOf(() => parseProfileId(id))
      expect(e.message).toMatch(/^[\x20-\x7e]*$/)
    }
    expect(errorOf(() => parseProfileId('a:\x00')).message).toContain('"a:\\u0000"')
    expect(errorOf(() => parseProfileId('a:\r\n')).message).toContain('"a:\\r\\n"')
  })

  it('truncates a long offending value to 80 characters', () => {
    const e = errorOf(() => parseProfileId(`anthropic:${'x'.repeat(300)}`))
    const shown = /"([^"]*)"/.exec(e.message)?.[1] ?? ''
    expect(shown.length).toBeLessThanOrEqual(80)
    expect(shown.endsWith('...')).toBe(true)
    expect(e.httpStatus).toBe(400)
  })
})

describe('escapeForMessage', () => {
  it.each([
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['\t\n\r', '\\t\\n\\r'],
    ['\x00\x1b\x7f', '\\u0000\\u001b\\u007f'],
    [NFC_E, '\\u00e9'],
    ['\u{1F600}', '\\ud83d\\ude00'],
  ])('%j -> %j', (input, out) => {
    expect(escapeForMessage(input)).toBe(out)
  })

  it('does not cut an escape sequence in half when truncating', () => {
    const out = escapeForMessage('\x00'.repeat(40))
    expect(out).toMatch(/^(\\u0000)+\.\.\.$/)
    expect(out.length).toBeLessThanOrEqual(80)
  })
})

describe('validateProviderId', () => {
  it.each(['anthropic', 'openai', 'google-vertex', 'amazon-bedrock', 'x', '0', 'a.b_c-d', 'p'.repeat(64)])(
    'accepts %j',
    (p) => {
      expect(validateProviderId(p)).toBe(p)
    },
  )

  it.each([
    '',
    'Anthropic',
    '-openai',
    '.openai',
    '_openai',
    'open ai',
    'open/ai',
    'open:ai',
    'p'.repeat(65),
    `caf${NFC_E}`,
    'openai\n',
    '\x00',
  ])('rejects %j', (p) => {
    const e = errorOf(() => validateProviderId(p))
    expect(e.code).toBe('invalid_provider_id')
    expect(e.message).toContain('^[a-z0-9][a-z0-9._-]{0,63}$')
    expect(e.message).toMatch(/^[\x20-\x7e]*$/)
  })
})

describe('normalizeProviderId', () => {
  it.each([
    ['anthropic', 'anthropic'],
    ['  Anthropic ', 'anthropic'],
    ['OPENAI', 'openai'],
    ['openai-codex', 'openai'],
    [' OpenAI-Codex ', 'openai'],
    ['google-vertex', 'google-vertex'],
  ])('%j -> %j', (input, out) => {
    expect(normalizeProviderId(input)).toBe(out)
  })
})

describe('validateAgentId', () => {
  it.each([
    ['main', 'main'],
    ['Work', 'work'],
    ['agent_1-b', 'agent_1-b'],
    ['0', '0'],
    ['a'.repeat(64), 'a'.repeat(64)],
  ])('accepts %j as %j', (id, out) => {
    expect(validateAgentId(id)).toBe(out)
  })

  it.each([
    '../x',
    '..',
    'a/b',
    '/etc/passwd',
    '%2e%2e%2f',
    '\x00',
    '\r\n',
    'main\n',
    '-main',
    '_main',
    'a.b',
    'a'.repeat(65),
    'a'.repeat(300),
    `caf${NFC_E}`,
    `caf${NFD_E}`,
    '',
    '   ',
    '\u{1F600}',
    // Lower-cases to ASCII 'k'; accepting it would alias agent "k".
    '\u212A',
  ])('rejects %j', (id) => {
    const e = errorOf(() => validateAgentId(id))
    expect(e.code).toBe('invalid_agent_id')
    expect(e.message).toContain('^[a-z0-9][a-z0-9_-]{0,63}$')
    expect(e.message).toMatch(/^[\x20-\x7e]*$/)
  })
})
