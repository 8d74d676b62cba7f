import { describe, expect, it } from 'vitest'
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

  it('merges anthropic-beta lists without duplicates', () => {
    expect(mergeBetaHeader('a, b', 'b,c')).toBe('a,b,c')
    expect(mergeBetaHeader(undefined, undefined)).toBeUndefined()
  })
})
