import { describe, expect, it } from 'vitest'
import { makeProviderDir } from '../../test/fixtures/secret-providers/install.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { resolveConfigSecrets } from './config-secrets.ts'

describe('resolveConfigSecrets (models.providers apiKey/headers, gateway.auth)', () => {
  it('resolves every config ref by path and reports failures by path and ref, never a value', async () => {
    const p = makeProviderDir()
    const file = p.file('s.json', JSON.stringify({ anthropic: 'sk-file', header: 'h-file', gw: 'gw-token' }))
    const config: OpenclawConfig = {
      secrets: { providers: { local: { source: 'file', path: file } } },
      models: {
        providers: {
          anthropic: {
            apiKey: { source: 'file', provider: 'local', id: 'anthropic' },
            headers: {
              'x-team': 'literal',
              'x-secret': { source: 'file', provider: 'local', id: '/header' },
            },
          },
          openai: { apiKey: { source: 'env', provider: 'default', id: 'OPENAI_REF_KEY' } },
        },
      },
      gateway: {
        auth: {
          mode: 'token',
          token: { source: 'file', provider: 'local', id: '/gw' },
          password: { source: 'file', provider: 'local', id: '/missing' },
        },
      },
    }
    const r = await resolveConfigSecrets(config, {})
    expect(Object.fromEntries(r.values)).toEqual({
      'models.providers.anthropic.apiKey': 'sk-file',
      'models.providers.anthropic.headers.x-secret': 'h-file',
      'gateway.auth.token': 'gw-token',
    })
    expect(r.errors).toEqual([
      {
        path: 'models.providers.openai.apiKey',
        ref: 'env:default:OPENAI_REF_KEY',
        code: 'secret_ref_unresolved',
        message: 'environment variable OPENAI_REF_KEY is not set',
      },
      {
        path: 'gateway.auth.password',
        ref: 'file:local:/missing',
        code: 'secret_ref_unresolved',
        message: 'file provider "local": id "/missing" was not found in the file',
      },
    ])
  })

  it('a config without refs resolves nothing and spawns nothing', async () => {
    const r = await resolveConfigSecrets({ models: { providers: { a: { apiKey: 'literal' } } } }, {})
    expect(r.values.size).toBe(0)
    expect(r.errors).toEqual([])
  })
})
