import { describe, expect, it } from 'vitest'
import { validateConfig } from './schema.ts'
import { formatIssue } from './schema-dsl.ts'

function v(raw: unknown) {
  const r = validateConfig(raw)
  return { config: r.config, errors: r.errors.map(formatIssue), warnings: r.warnings.map(formatIssue) }
}

const full = {
  agents: {
    defaults: {
      model: { primary: 'anthropic/claude-opus-5', fallbacks: ['openai/gpt-5'] },
      models: { 'anthropic/claude-opus-5': { alias: 'opus' } },
      cliBackends: { 'claude-cli': { command: 'claude' } },
    },
    list: [{ id: 'main', default: true, name: 'Main', model: 'anthropic/claude-opus-5' }, { id: 'ops' }],
  },
  auth: {
    profiles: {
      'anthropic:work': { provider: 'anthropic', mode: 'api_key', email: 'me@example.com' },
      'amazon-bedrock:default': { provider: 'amazon-bedrock', mode: 'aws-sdk' },
    },
    order: { anthropic: ['anthropic:work'], openai: [] },
  },
  models: {
    providers: {
      anthropic: {
        baseUrl: 'https://api.anthropic.com',
        api: 'anthropic-messages',
        apiKey: { source: 'env', provider: 'default', id: 'ANTHROPIC_API_KEY' },
        auth: 'api-key',
        headers: { 'x-team': 'core', 'x-secret': { source: 'file', provider: 'vault', id: '/h' } },
        timeoutSeconds: 30,
        models: [{ id: 'claude-opus-5', name: 'Opus', contextWindow: 200000, maxTokens: 8192 }],
      },
    },
  },
  env: { vars: { GROQ_API_KEY: 'gsk' }, shellEnv: { enabled: true, timeoutMs: 5000 } },
  secrets: {
    providers: { vault: { source: 'file', path: '/etc/secrets.json', mode: 'json' } },
    defaults: { env: 'default' },
  },
  gateway: { port: 18789, bind: 'loopback', auth: { mode: 'token', token: 'abc' } },
}

describe('validateConfig', () => {
  it('accepts a full, valid config without errors or warnings', () => {
    const r = v(full)
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.config).toEqual(full)
  })

  it('accepts an empty object', () => {
    expect(v({})).toEqual({ config: {}, errors: [], warnings: [] })
  })

  it('names the key path and the expectation', () => {
    const r = v({
      auth: { profiles: { 'anthropic:work': { provider: 'anthropic', mode: 'apikey' } } },
      models: { providers: { anthropic: { timeoutSeconds: -1, baseUrl: 'ftp://x' } } },
      gateway: { port: 70000 },
    })
    expect(r.errors).toEqual([
      'auth.profiles["anthropic:work"].mode: expected one of "api_key", "token", "oauth", "aws-sdk", got "apikey"',
      'models.providers.anthropic.baseUrl: expected an http:// or https:// URL, got "ftp://x"',
      'models.providers.anthropic.timeoutSeconds: expected a positive number, got -1',
      'gateway.port: expected an integer from 1 to 65535, got 70000',
    ])
  })

  it('refuses credentials embedded in a base URL without echoing them', () => {
    const r = v({ models: { providers: { p: { baseUrl: 'https://u:hunter2@h' } } } })
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain('without user:password@')
    expect(r.errors[0]).not.toContain('hunter2')
  })

  it('warns about unknown keys at any depth but keeps them', () => {
    const r = v({ channels: {}, models: { providers: { anthropic: { foo: 1 } } }, gateway: { extra: true } })
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([
      'models.providers.anthropic.foo: unknown key (ignored by this version)',
      'gateway.extra: unknown key (ignored by this version)',
      'channels: unknown key (ignored by this version)',
    ])
    expect(r.config.channels).toEqual({})
  })

  it('skips a provider with an unknown api, as a warning', () => {
    const r = v({
      models: {
        providers: {
          future: { api: 'openai-responses', whatever: { new: 'shape' } },
          legacy: { api: 'openai' },
          ok: { api: 'openai-completions', baseUrl: 'http://localhost:1234/v1' },
        },
      },
    })
    expect(r.errors).toEqual([])
    expect(r.warnings[0]).toMatch(
      /^models\.providers\.future\.api: unsupported api "openai-responses".*provider skipped$/,
    )
    expect(r.warnings[1]).toContain('doctor --fix')
    expect(Object.keys(r.config.models?.providers ?? {})).toEqual(['ok'])
  })

  it('validates SecretRef shape strictly', () => {
    const r = v({
      models: {
        providers: {
          a: { apiKey: { source: 'vault', provider: 'x', id: 'K' } },
          b: { apiKey: { source: 'env', provider: 'Bad', id: 'K', extra: 1 } },
          c: { apiKey: 42 },
        },
      },
    })
    expect(r.errors).toEqual([
      'models.providers.a.apiKey.source: expected one of "env", "file", "exec", got "vault"',
      'models.providers.b.apiKey.provider: expected a secret provider alias matching ^[a-z][a-z0-9_-]{0,63}$, got "Bad"',
      'models.providers.b.apiKey.extra: unknown key; expected only source, provider, id',
      'models.providers.c.apiKey: expected a string or a SecretRef {source, provider, id}, got 42',
    ])
  })

  it('refuses control characters in secret strings without echoing them', () => {
    const r = v({ models: { providers: { a: { headers: { 'x-k': 'v\r\nInjected: 1' } } } } })
    expect(r.errors).toEqual([
      'models.providers.a.headers["x-k"]: must not contain control characters (CR, LF, NUL...)',
    ])
  })

  it('refuses provider headers the upstream HTTP client owns, naming each one', () => {
    const r = v({
      models: { providers: { a: { headers: { Connection: 'close', 'content-length': '5', 'x-ok': 'v' } } } },
    })
    expect(r.errors).toEqual([
      "models.providers.a.headers.Connection: invalid key: the gateway's HTTP client sets this header itself; remove it",
      `models.providers.a.headers["content-length"]: invalid key: the gateway's HTTP client sets this header itself; remove it`,
    ])
  })

  it('rejects the redaction placeholder anywhere', () => {
    const r = v({
      gateway: { auth: { token: '__OPENCLAW_REDACTED__' } },
      plugins: { x: ['__OPENCLAW_REDACTED__'] },
    })
    expect(r.errors.map((e) => e.split(':')[0])).toEqual(['gateway.auth.token', 'plugins.x[0]'])
  })

  it('checks ids: profile keys, provider keys, agent ids', () => {
    const r = v({
      auth: { profiles: { work: { provider: 'anthropic', mode: 'token' } }, order: { Anthropic: [] } },
      agents: { list: [{ id: '../x' }, { id: 'Ops' }, { id: 'ops' }] },
    })
    expect(r.errors).toEqual([
      'agents.list[0].id: expected an agent id matching ^[a-z0-9][a-z0-9_-]{0,63}$ (case-insensitive), got "../x"',
      'agents.list[2].id: duplicate agent id "ops" (also at index 1)',
      'auth.profiles.work: invalid key: expected a profile id <provider>:<name>, e.g. "anthropic:work"',
      'auth.order.Anthropic: invalid key: expected a provider id matching ^[a-z0-9][a-z0-9._-]{0,63}$',
    ])
  })

  it('reports model selection errors precisely', () => {
    const r = v({ agents: { defaults: { model: { primary: 1, fallbacks: 'x' } } } })
    expect(r.errors).toEqual([
      'agents.defaults.model.primary: expected a non-empty string, got 1',
      'agents.defaults.model.fallbacks: expected an array of non-empty strings, got "x"',
    ])
  })

  it('forbids SecretRefs on oauth profiles and warns about retired keys', () => {
    const r = v({
      auth: {
        profiles: {
          'openai:me': {
            provider: 'openai',
            mode: 'oauth',
            tokenRef: { source: 'env', provider: 'd', id: 'T' },
          },
        },
        cooldowns: { billingBackoffHours: 5 },
      },
    })
    expect(r.errors).toEqual([
      'auth.profiles["openai:me"].tokenRef: a SecretRef is not allowed on an oauth profile',
    ])
    expect(r.warnings).toContain(
      'auth.cooldowns: retired in 2026.7 (cooldowns are built in); openclaw doctor --fix removes it',
    )
  })

  it('rejects a non-object top level', () => {
    expect(v([]).errors).toEqual(['(root): expected a JSON object, got an array'])
  })
})

describe('gateway client auth and TLS keys (F-10, F-13, F-14)', () => {
  it('accepts scoped clients, a password hash and TLS settings', () => {
    const r = v({
      gateway: {
        auth: {
          mode: 'password',
          passwordHash: `$scrypt$ln=15,r=8,p=3$${'A'.repeat(22)}$${'B'.repeat(43)}`,
          clients: [
            // biome-ignore lint/suspicious/noTemplateCurlyInString: config substitution syntax
            { name: 'ci-reader', token: '${CI_TOKEN}', scopes: ['read'] },
            {
              name: 'app',
              token: { source: 'env', provider: 'default', id: 'APP_TOKEN' },
              scopes: ['chat', 'read'],
            },
          ],
        },
        tls: {
          certPath: '/etc/gw/cert.pem',
          keyPath: '/etc/gw/key.pem',
          caPath: '/etc/gw/ca.pem',
          clientAuth: 'require',
        },
      },
    })
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
  })

  it('names the bad key: unknown scope, empty scopes, duplicate names, bad hash, bad clientAuth', () => {
    const r = v({
      gateway: {
        auth: {
          passwordHash: 'hunter2-plaintext',
          clients: [
            { name: 'a', token: 't1', scopes: ['superuser'] },
            { name: 'a', token: 't2', scopes: [] },
            { name: 'bad name', token: 't3', scopes: ['chat'] },
          ],
        },
        tls: { clientAuth: 'optional' },
      },
    })
    expect(r.errors).toEqual([
      'gateway.auth.passwordHash: expected a scrypt hash written by openclaw gateway set-password ($scrypt$ln=<n>,r=<n>,p=<n>$<base64 salt>$<base64 hash>)',
      'gateway.auth.clients[0].scopes[0]: expected one of "chat", "read", "admin", got "superuser"',
      'gateway.auth.clients[1].scopes: expected at least one of "chat", "read", "admin"',
      'gateway.auth.clients[2].name: expected a client name of 1-64 letters, digits, ".", "_" or "-", got "bad name"',
      'gateway.auth.clients[1].name: duplicate client name "a" (also at index 0)',
      'gateway.tls.clientAuth: expected one of "none", "require", got "optional"',
    ])
    expect(r.errors.join('\n')).not.toContain('hunter2')
  })

  it('reports a duplicate client name with both indexes', () => {
    const r = v({
      gateway: {
        auth: {
          clients: [
            { name: 'a', token: 't1', scopes: ['chat'] },
            { name: 'a', token: 't2', scopes: ['read'] },
          ],
        },
      },
    })
    expect(r.errors).toEqual(['gateway.auth.clients[1].name: duplicate client name "a" (also at index 0)'])
  })
})
