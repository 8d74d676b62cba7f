import { describe, expect, it } from 'vitest'
import { validateConfig } from './schema.ts'
import { formatIssue } from './schema-dsl.ts'

const errorsOf = (raw: unknown) => validateConfig(raw).errors.map(formatIssue)

describe('secrets.providers: strict per source', () => {
  it('accepts complete env, file and exec providers', () => {
    const secrets = {
      providers: {
        team: { source: 'env', allowlist: ['TEAM_KEY'] },
        local: {
          source: 'file',
          path: '/home/me/.secrets.json',
          mode: 'singleValue',
          timeoutMs: 2000,
          maxBytes: 4096,
        },
        vault: {
          source: 'exec',
          command: '/usr/local/bin/vault-resolver',
          args: ['--format', 'json'],
          passEnv: ['VAULT_ADDR', 'VAULT_TOKEN'],
          env: { LOG_LEVEL: 'error' },
          trustedDirs: ['/usr/local/bin'],
          timeoutMs: 5000,
          noOutputTimeoutMs: 2000,
          maxOutputBytes: 65536,
        },
      },
      defaults: { env: 'team', file: 'local', exec: 'vault' },
    }
    const r = validateConfig({ secrets })
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.config.secrets).toEqual(secrets)
  })

  it('names each violation by path', () => {
    expect(
      errorsOf({
        secrets: {
          providers: {
            a: { source: 'file', path: 'relative.json' },
            b: { source: 'exec', command: 'vault', timeoutMs: 0, passEnv: ['BAD-NAME'] },
            c: { source: 'env', allowlist: ['lower'], path: '/x' },
            d: { source: 'keychain' },
            e: { source: 'file', path: '/x', mode: 'yaml', timeoutMS: 5 },
            Bad: { source: 'env' },
          },
          defaults: { file: 'c' },
        },
      }),
    ).toEqual([
      'secrets.providers.a.path: expected an absolute path, got "relative.json"',
      'secrets.providers.b.command: expected an absolute path, got "vault"',
      'secrets.providers.b.passEnv[0]: expected an environment variable name, got "BAD-NAME"',
      'secrets.providers.b.timeoutMs: expected an integer from 1 to 300000, got 0',
      expect.stringContaining('secrets.providers.c.allowlist[0]: expected an env ref id must be'),
      'secrets.providers.c.path: unknown key; expected only source, allowlist',
      'secrets.providers.d.source: expected one of "env", "file", "exec", got "keychain"',
      'secrets.providers.e.mode: expected one of "json", "singleValue", got "yaml"',
      'secrets.providers.e.timeoutMS: unknown key; expected only source, path, mode, timeoutMs, maxBytes',
      'secrets.providers.Bad: invalid key: expected an alias matching ^[a-z][a-z0-9_-]{0,63}$',
    ])
  })

  it('a default alias must name a provider of its own source', () => {
    expect(errorsOf({ secrets: { providers: { x: { source: 'env' } }, defaults: { file: 'x' } } })).toEqual([
      'secrets.defaults.file: secrets.providers.x is an env provider, not file',
    ])
  })
})

describe('SecretRef ids are validated per source (A-06), without echoing the id', () => {
  it.each([
    [{ source: 'env', provider: 'default', id: 'sk-live-abcdef' }, 'an env ref id must be a variable name'],
    [{ source: 'exec', provider: 'vault', id: '../../bin/sh' }, 'an exec ref id must match'],
    [{ source: 'file', provider: 'local', id: '/a/~2' }, '"~" must be followed by 0 or 1'],
  ])('%j', (apiKey, rule) => {
    const errors = errorsOf({ models: { providers: { p: { apiKey } } } })
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('models.providers.p.apiKey.id: ')
    expect(errors[0]).toContain(rule)
    expect(errors[0]).not.toContain(apiKey.id)
  })
})
