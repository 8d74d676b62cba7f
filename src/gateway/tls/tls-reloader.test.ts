import fs from 'node:fs'
import path from 'node:path'
import type tls from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../../test/support/test-certs.ts'
import { loadServerTls } from './server-tls.ts'
import { TlsReloader } from './tls-reloader.ts'
import { tlsSettings } from './tls-settings.ts'

let certs: TestCerts
beforeAll(() => {
  certs = makeTestCerts()
})
afterAll(() => certs.remove())

function setup() {
  const dir = fs.mkdtempSync(path.join(certs.dir, 'r-'))
  const cert = path.join(dir, 'cert.pem')
  const key = path.join(dir, 'key.pem')
  fs.copyFileSync(certs.server.cert, cert)
  fs.copyFileSync(certs.server.key, key)
  fs.chmodSync(key, 0o600)
  const cfg = { certPath: cert, keyPath: key }
  const applied: tls.SecureContextOptions[] = []
  const logs: string[] = []
  const r = new TlsReloader({
    current: loadServerTls(tlsSettings(cfg)!),
    flags: {},
    apply: (o) => applied.push(o),
    log: (level, m) => logs.push(`${level}: ${m}`),
  })
  return { r, cfg, cert, key, applied, logs }
}

describe('TlsReloader', () => {
  it('does nothing while gateway.tls and the files are unchanged', () => {
    const { r, cfg, applied, logs } = setup()
    expect(r.check(cfg, Date.now())).toBe('unchanged')
    expect(r.check({ ...cfg }, Date.now())).toBe('unchanged')
    expect(applied).toEqual([])
    expect(logs).toEqual([])
  })

  it('installs a replaced pair once and only the context options', () => {
    const { r, cfg, cert, key, applied } = setup()
    fs.copyFileSync(certs.renewedServer.key, key)
    fs.copyFileSync(certs.renewedServer.cert, cert)
    expect(r.check(cfg, Date.now())).toBe('reloaded')
    expect(r.check(cfg, Date.now())).toBe('unchanged')
    expect(applied).toHaveLength(1)
    expect(Object.keys(applied[0]!).sort()).toEqual(['cert', 'key', 'minVersion'])
    expect(applied[0]!.cert).toBe(fs.readFileSync(certs.renewedServer.cert, 'utf8'))
  })

  it('says once that turning TLS off or an invalid gateway.tls needs attention, and changes nothing', () => {
    const { r, cfg, applied, logs } = setup()
    expect(r.check({ ...cfg, enabled: false }, Date.now())).toBe('restart-needed')
    expect(r.check({ ...cfg, enabled: false }, Date.now())).toBe('restart-needed')
    expect(r.check({ ...cfg, certPath: 'relative.pem' }, Date.now())).toBe('refused')
    expect(r.check({ ...cfg, certPath: 'relative.pem' }, Date.now())).toBe('refused')
    expect(applied).toEqual([])
    expect(logs).toHaveLength(2)
    expect(logs[0]).toContain('gateway.tls is now off; restart the gateway')
    expect(logs[1]).toContain('gateway.tls.certPath must be an absolute path')
  })
})
