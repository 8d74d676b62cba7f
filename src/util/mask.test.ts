import { describe, expect, it } from 'vitest'
import { FULLY_MASKED, MIN_REVEAL_LENGTH, maskSecret } from './mask.ts'

const body = (n: number): string =>
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.repeat(4).slice(0, n)

describe('maskSecret (G-03 table)', () => {
  it.each([
    ['8-char password', 'hunter22', '***'],
    ['empty', '', '***'],
    ['17-char token', 'a'.repeat(13) + 'wxyz', '***'],
    ['18-char token', 'a'.repeat(14) + 'wxyz', '…wxyz'],
    ['39-char AIza key', `AIza${body(31)}WXYZ`, 'AIza…WXYZ'],
    ['sk-ant-api03 key', `sk-ant-api03-${body(90)}AA11`, 'sk-ant-api03-…AA11'],
    ['sk-ant-oat01 setup token', `sk-ant-oat01-${body(90)}BB22`, 'sk-ant-oat01-…BB22'],
    ['bare sk-ant key', `sk-ant-${body(40)}CC33`, 'sk-ant-…CC33'],
    ['sk-proj key', `sk-proj-${body(40)}DD44`, 'sk-proj-…DD44'],
    ['sk-or-v1 key', `sk-or-v1-${body(60)}EE55`, 'sk-or-v1-…EE55'],
    ['plain sk- key', `sk-${body(40)}FF66`, 'sk-…FF66'],
    ['github classic PAT', `ghp_${body(32)}GG77`, 'ghp_…GG77'],
    ['github fine-grained PAT', `github_pat_${body(70)}HH88`, 'github_pat_…HH88'],
    ['groq key', `gsk_${body(48)}II99`, 'gsk_…II99'],
    ['xai key', `xai-${body(76)}JJ00`, 'xai-…JJ00'],
    ['unknown long value', `${body(36)}KK11`, '…KK11'],
    // The rule applies to what follows the public prefix (LiteLLM #5433).
    ['prefix with a short secret part', `sk-ant-oat01-${body(13)}`, '***'],
    ['AIza with a short secret part', `AIza${body(17)}`, '***'],
    ['AIza with exactly 18 secret chars', `AIza${body(14)}LL22`, 'AIza…LL22'],
  ])('%s', (_label, value, masked) => {
    expect(maskSecret(value)).toBe(masked)
  })

  it('never reveals more than the public prefix and 4 characters', () => {
    const samples = [`sk-ant-api03-${body(95)}`, `AIza${body(35)}`, body(18), body(100), `sk-${body(18)}`]
    for (const v of samples) {
      const m = maskSecret(v)
      const revealed = m.replace('…', '')
      expect(revealed.length).toBeLessThanOrEqual(m.length)
      const tail = m.split('…')[1] ?? ''
      expect(tail.length).toBeLessThanOrEqual(4)
      // Whatever is shown, at least 14 characters of the secret stay hidden.
      expect(v.length - revealed.length).toBeGreaterThanOrEqual(MIN_REVEAL_LENGTH - 4)
    }
  })

  it('prefers the longest matching prefix', () => {
    expect(maskSecret(`sk-ant-oat01-${body(40)}`).startsWith('sk-ant-oat01-…')).toBe(true)
  })

  it('fully masks non-strings defensively', () => {
    expect(maskSecret(undefined as unknown as string)).toBe(FULLY_MASKED)
  })
})
