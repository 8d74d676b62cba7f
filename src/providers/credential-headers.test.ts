import { describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import { ANTHROPIC_OAUTH_BETA, credentialHeaders, mergeBetaHeader } from './credential-headers.ts'

describe('credentialHeaders', () => {
  it('Anthropic API keys go in x-api-key', () => {
    expect(credentialHeaders('anthropic-messages', 'api_key', 'sk-ant-api03-abc', 'p')).toEqual({
      'x-api-key': 'sk-ant-api03-abc',
    })
  })

  it('Anthropic setup-tokens and OAuth go as Bearer with the OAuth beta, whatever the profile type says', () => {
    const beta = { authorization: 'Bearer sk-ant-oat01-xyz', 'anthropic-beta': ANTHROPIC_OAUTH_BETA }
    expect(credentialHeaders('anthropic-messages', 'token', 'sk-ant-oat01-xyz', 'p')).toEqual(beta)
    expect(credentialHeaders('anthropic-messages', 'api_key', 'sk-ant-oat01-xyz', 'p')).toEqual(beta)
    expect(credentialHeaders('anthropic-messages', 'oauth', 'sk-ant-oat01-xyz', 'p')).toEqual(beta)
  })

  it('OpenAI-compatible uses Bearer; Gemini keys use x-goog-api-key', () => {
    expect(credentialHeaders('openai-completions', 'api_key', 'sk-x', 'p')).toEqual({
      authorization: 'Bearer sk-x',
    })
    expect(credentialHeaders('google-generative-ai', 'api_key', 'AIzaX', 'p')).toEqual({
      'x-goog-api-key': 'AIzaX',
    })
    expect(credentialHeaders('google-generative-ai', 'oauth', 'ya29.x', 'p')).toEqual({
      authorization: 'Bearer ya29.x',
    })
  })

  it('refuses control characters with our own error that names the profile, not the value', () => {
    const secret = 'sk-canary-\r\nX-Evil: 1'
    try {
      credentialHeaders('openai-completions', 'api_key', secret, 'profile openai:bad')
      expect.unreachable()
    } catch (e) {
      expect((e as Error).message).toContain('profile openai:bad')
      expect((e as Error).message).not.toContain('sk-canary')
    }
  })

  it.each([
    [
      'outside Latin-1 (Node would throw mid-request)',
      'sk-canary-\u20ac1',
      'contains a character outside printable ASCII',
    ],
    [
      'Latin-1 (Node would send a byte the provider never issued)',
      'sk-canary-\u00e91',
      'outside printable ASCII',
    ],
    ['a zero-width space', 'sk-canary-\u200b1', 'outside printable ASCII'],
    ['DEL', 'sk-canary-\u007f1', 'contains control characters'],
    ['a trailing space', 'sk-canary-1 ', 'has whitespace around it'],
    ['nothing', '', 'is empty'],
  ])('refuses %s by name and rule, never the value', (_, secret, rule) => {
    let caught: unknown
    try {
      credentialHeaders('anthropic-messages', 'api_key', secret, 'profile anthropic:bad')
    } catch (e) {
      caught = e
    }
    expect(OpenclawError.isInstance(caught)).toBe(true)
    const e = caught as OpenclawError
    expect(e.code).toBe('invalid_credential')
    expect(e.message).toMatch(/^Credential for profile anthropic:bad /)
    expect(e.message).toContain(rule)
    expect(e.message).not.toContain('sk-canary')
    expect(e.hint).toContain('paste-api-key')
  })

  it('accepts every printable ASCII character, interior spaces included', () => {
    const all = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('')
    expect(credentialHeaders('openai-completions', 'api_key', `${all} x`, 'p')).toEqual({
      authorization: `Bearer ${all} x`,
    })
  })

  it('merges anthropic-beta lists without duplicates', () => {
    expect(mergeBetaHeader('a, b', 'b,c')).toBe('a,b,c')
    expect(mergeBetaHeader(undefined, undefined)).toBeUndefined()
  })
})
