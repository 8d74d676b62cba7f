/** security-and-reliability.md 2.D: D-ENV-01..03 through the resolver (no fallback, names only). */
import { describe, expect, it } from 'vitest'
import type { SecretRef } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { resolveSecretRefs } from './resolver.ts'

const ref = (id: string, provider = 'default'): SecretRef => ({ source: 'env', provider, id })

async function resolveEnv(
  id: string,
  env: Record<string, string>,
  config: OpenclawConfig = {},
  provider?: string,
) {
  const r = ref(id, provider)
  return (await resolveSecretRefs([r], { config, env })).result(r)
}

describe('D-ENV-01: unset, empty, whitespace-only, not allowlisted', () => {
  it('the built-in default alias works without config', async () => {
    expect(await resolveEnv('MY_KEY', { MY_KEY: '  sk-abc  ' })).toEqual({ ok: true, value: 'sk-abc' })
  })

  it.each([
    ['unset', {}, 'environment variable MY_KEY is not set'],
    ['empty', { MY_KEY: '' }, 'environment variable MY_KEY is empty'],
    ['whitespace-only', { MY_KEY: ' \t ' }, 'environment variable MY_KEY contains only whitespace'],
  ])('%s is a distinct error naming the variable', async (_n, env, message) => {
    // Another credential for the same provider is present: it must not be picked up instead.
    expect(await resolveEnv('MY_KEY', { ...env, ANTHROPIC_API_KEY: 'sk-other' })).toEqual({
      ok: false,
      code: 'secret_ref_unresolved',
      message,
    })
  })

  it('a variable outside the allowlist is refused even when set', async () => {
    const config: OpenclawConfig = {
      secrets: { providers: { team: { source: 'env', allowlist: ['TEAM_KEY'] } } },
    }
    expect(await resolveEnv('OTHER_KEY', { OTHER_KEY: 'x' }, config, 'team')).toEqual({
      ok: false,
      code: 'secret_ref_invalid',
      message: 'environment variable OTHER_KEY is not in the allowlist of secret provider "team"',
    })
    expect(await resolveEnv('TEAM_KEY', { TEAM_KEY: 'x' }, config, 'team')).toEqual({ ok: true, value: 'x' })
  })

  it('secrets.defaults.env names the built-in provider too; other unknown aliases fail', async () => {
    expect(await resolveEnv('K', { K: 'v' }, { secrets: { defaults: { env: 'mine' } } }, 'mine')).toEqual({
      ok: true,
      value: 'v',
    })
    const r = await resolveEnv('K', { K: 'v' }, {}, 'nope')
    expect(r).toMatchObject({ ok: false, code: 'secret_ref_invalid' })
    expect(r?.ok === false && r.message).toContain('no env secret provider "nope" is configured')
  })

  it('an alias configured for another source is refused', async () => {
    const config: OpenclawConfig = { secrets: { providers: { local: { source: 'file', path: '/x' } } } }
    const r = await resolveEnv('K', { K: 'v' }, config, 'local')
    expect(r?.ok === false && r.message).toBe(
      "secrets.providers.local is a file provider, but the ref's source is env",
    )
  })
})

describe('D-ENV-02/03: oversized values and control characters', () => {
  it.each([
    ['200 KiB', 200 * 1024],
    ['2 MiB', 2 * 1024 * 1024],
  ])('a %s value is refused with its size, never shown', async (_n, size) => {
    const r = await resolveEnv('BIG', { BIG: 'a'.repeat(size) })
    expect(r).toEqual({
      ok: false,
      code: 'secret_ref_unresolved',
      message: `environment variable BIG is too large (${size} bytes; limit 16384)`,
    })
  })

  it.each(['abc\r\ndef', 'abc\ndef', 'abc\u0000def', 'abc\r'])('%j is refused like A-07', async (value) => {
    const r = await resolveEnv('CTL', { CTL: value })
    expect(r).toEqual({
      ok: false,
      code: 'secret_ref_unresolved',
      message: 'environment variable CTL contains a line break or NUL (refused)',
    })
  })

  it.each(['sk-\u20acabc', 'sk-caf\u00e9', '\u201csk-abc\u201d', 'sk-a\u200bb'])(
    '%j (not printable ASCII) is refused: no HTTP header can carry it (E-02)',
    async (value) => {
      const r = await resolveEnv('WIDE', { WIDE: value })
      expect(r).toEqual({
        ok: false,
        code: 'secret_ref_unresolved',
        message:
          'environment variable WIDE contains a character outside printable ASCII (such as €, an accented letter or a typographic quote), which an HTTP header cannot carry (refused)',
      })
    },
  )
})
