import { describe, expect, it } from 'vitest'
import { clientCertVerified } from './client-cert-guard.ts'
import { tlsSettings } from './tls-settings.ts'

describe('gateway.tls settings (F-13)', () => {
  it('TLS is off without a certificate or with enabled: false', () => {
    expect(tlsSettings(undefined)).toBeUndefined()
    expect(tlsSettings({})).toBeUndefined()
    expect(tlsSettings({ enabled: false, certPath: '/c.pem', keyPath: '/k.pem' })).toBeUndefined()
  })

  it('on with both paths; flags win and are relative to the working directory', () => {
    expect(tlsSettings({ certPath: '/c.pem', keyPath: '/k.pem' })).toEqual({
      certPath: '/c.pem',
      keyPath: '/k.pem',
      clientAuth: 'none',
    })
    expect(tlsSettings({ enabled: false }, { cert: 'c.pem', key: 'k.pem', cwd: '/srv' })).toMatchObject({
      certPath: '/srv/c.pem',
      keyPath: '/srv/k.pem',
    })
  })

  it.each([
    [{ enabled: true }, 'gateway.tls.certPath is not set'],
    [{ certPath: '/c.pem' }, 'gateway.tls.keyPath is not set'],
    [{ certPath: 'c.pem', keyPath: '/k.pem' }, 'gateway.tls.certPath must be an absolute path'],
    [
      { certPath: '/c.pem', keyPath: '/k.pem', clientAuth: 'require' as const },
      'gateway.tls.caPath is not set',
    ],
    [{ clientAuth: 'require' as const }, 'TLS is not configured'],
    [{ certPath: '/c.pem', keyPath: '/k.pem', cliCertPath: '/x.pem' }, 'gateway.tls.cliKeyPath is missing'],
    [{ enabled: true, autoGenerate: true }, 'autoGenerate is not supported'],
  ])('refuses %j naming the key', (cfg, message) => {
    expect(() => tlsSettings(cfg)).toThrow(message)
  })

  it('refuses one flag without the other', () => {
    expect(() => tlsSettings(undefined, { cert: 'c.pem' })).toThrow('--tls-key is missing')
  })
})

describe('per-request client certificate check (F-13, defence in depth)', () => {
  it('passes only a TLS socket whose certificate verified', () => {
    expect(clientCertVerified({ authorized: true })).toBe(true)
    for (const s of [
      { authorized: false, authorizationError: 'CERT_HAS_EXPIRED' },
      {},
      null,
      undefined,
      { authorized: 'yes' },
    ])
      expect(clientCertVerified(s)).toBe(false)
  })
})
