/** Token extraction from `claude setup-token` output and the streaming echo that hides it. */
import { describe, expect, it } from 'vitest'
import { createTokenMasker, extractSetupToken, extractSetupTokenValidity } from './setup-token-output.ts'

const TOKEN = 'sk-ant-oat01-abcdefghijklmnopqrstuvwxyz0123456789_-AA'

describe('extractSetupToken', () => {
  it('finds the token among ANSI codes and CRLFs', () => {
    expect(
      extractSetupToken(
        `\u001b[32m✓\u001b[0m done\r\n\r\nYour OAuth token:\r\n\r\n\u001b[1m${TOKEN}\u001b[0m\r\n\r\nStore it.`,
      ),
    ).toBe(TOKEN)
  })
  it('re-joins a token wrapped over several lines', () => {
    const wrapped = TOKEN.match(/.{1,16}/g)!.join('\r\n')
    expect(extractSetupToken(`token:\r\n\r\n${wrapped}\r\n\r\nStore this token securely.`)).toBe(TOKEN)
  })
  it('returns undefined when there is none', () => {
    expect(extractSetupToken('OAuth error: access denied')).toBeUndefined()
  })
})

describe('createTokenMasker', () => {
  it('hides the token even when it arrives split across chunks, up to the next blank line', () => {
    const text = `before\r\n\r\n${TOKEN.slice(0, 16)}\r\n${TOKEN.slice(16)}\r\n\r\nafter`
    for (const size of [1, 3, 7, 64]) {
      let out = ''
      const m = createTokenMasker((s) => {
        out += s
      })
      for (let i = 0; i < text.length; i += size) m.push(text.slice(i, i + size))
      m.end()
      expect(out).toBe('before\r\n\r\nsk-ant-oat01-[hidden by openclaw]\r\n\r\nafter')
    }
  })
  it('passes text through when there is no token (a held-back "sk" is released at the end)', () => {
    let out = ''
    const m = createTokenMasker((s) => {
      out += s
    })
    m.push('ask')
    m.push(' me')
    m.push(' sk')
    m.end()
    expect(out).toBe('ask me sk')
  })
})

describe('extractSetupTokenValidity', () => {
  const DAY = 86_400_000
  it('reads the lifetime claude states, ANSI and CRLF included', () => {
    expect(extractSetupTokenValidity('\u001b[1mYour OAuth token (valid for 1 year):\u001b[0m\r\n')).toBe(
      365 * DAY,
    )
    expect(extractSetupTokenValidity('valid for 30 days')).toBe(30 * DAY)
    expect(extractSetupTokenValidity('Valid for a year')).toBe(365 * DAY)
  })
  it('no statement, or a number without the phrase, is undefined (the caller uses 365 days)', () => {
    expect(extractSetupTokenValidity('Your OAuth token:\r\n')).toBeUndefined()
    expect(extractSetupTokenValidity('Paste code here if prompted > 12 days')).toBeUndefined()
    expect(extractSetupTokenValidity('valid for 0 days')).toBeUndefined()
  })
})
