/**
 * Reads the gateway's certificate, key and client CA at start (F-13) and turns every problem
 * into a startup error naming the key and file: unreadable, not PEM, a private key that others
 * can read (like the file secret provider: owned by us, no group/other bits), a key that does
 * not belong to the certificate. OpenSSL's own messages never contain key material, but they
 * are replaced anyway so the error says which setting to change.
 */
import { X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import tls from 'node:tls'
import { type TlsSettings, tlsError } from './tls-settings.ts'

export interface ServerTls {
  settings: TlsSettings
  options: tls.TlsOptions
  /** True when every connection must present a certificate signed by caPath. */
  clientCertsRequired: boolean
  /** Not-after of the server certificate (a warning is logged when it has passed). */
  validTo: string
}

export function loadServerTls(
  settings: TlsSettings,
  now: number = Date.now(),
): ServerTls & { warnings: string[] } {
  const warnings: string[] = []
  const cert = readPem(settings.certPath, 'certPath')
  const key = readPem(settings.keyPath, 'keyPath', { private: true })
  const ca = settings.caPath ? readPem(settings.caPath, 'caPath') : undefined
  let leaf: X509Certificate
  try {
    leaf = new X509Certificate(cert)
  } catch {
    throw tlsError(
      `gateway.tls.certPath (${settings.certPath}) is not a PEM certificate`,
      'point it at the server certificate (BEGIN CERTIFICATE)',
    )
  }
  if (ca !== undefined) {
    try {
      new X509Certificate(ca)
    } catch {
      throw tlsError(
        `gateway.tls.caPath (${settings.caPath}) is not a PEM certificate`,
        'point it at the CA certificate that signs your client certificates',
      )
    }
  }
  if (Date.parse(leaf.validTo) < now)
    warnings.push(
      `the server certificate ${settings.certPath} expired on ${leaf.validTo}; clients will refuse it`,
    )
  const required = settings.clientAuth === 'require'
  const options: tls.TlsOptions = {
    cert,
    key,
    ...(ca !== undefined ? { ca } : {}),
    minVersion: 'TLSv1.2',
    requestCert: required,
    rejectUnauthorized: required,
  }
  try {
    tls.createSecureContext(options)
  } catch (err) {
    const mismatch = /key values mismatch|KEY_VALUES_MISMATCH/i.test((err as Error).message)
    throw mismatch
      ? tlsError(
          `gateway.tls.keyPath (${settings.keyPath}) is not the key of gateway.tls.certPath (${settings.certPath})`,
          'use the private key the certificate was issued for',
        )
      : tlsError(
          `gateway.tls.keyPath (${settings.keyPath}) is not a usable PEM private key`,
          'point it at an unencrypted PEM private key (BEGIN PRIVATE KEY)',
        )
  }
  return { settings, options, clientCertsRequired: required, validTo: leaf.validTo, warnings }
}

function readPem(file: string, key: string, opts: { private?: boolean } = {}): string {
  let st: fs.Stats
  try {
    // stat, not lstat: certificate managers (certbot's live/ dir) hand out symlinks; what
    // matters is who can read the file they point to.
    st = fs.statSync(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw tlsError(
      `gateway.tls.${key} (${file}) cannot be read: ${code === 'ENOENT' ? 'no such file' : code}`,
      `check the path in gateway.tls.${key}`,
    )
  }
  if (!st.isFile())
    throw tlsError(
      `gateway.tls.${key} (${file}) is not a regular file`,
      `point gateway.tls.${key} at a PEM file`,
    )
  if (opts.private) {
    const uid = process.getuid?.()
    if (uid !== undefined && st.uid !== uid)
      throw tlsError(
        `gateway.tls.${key} (${file}) is not owned by you (owner uid ${st.uid})`,
        `copy the key to a file you own with mode 0600`,
      )
    const mode = st.mode & 0o777
    if ((mode & 0o077) !== 0)
      throw tlsError(
        `gateway.tls.${key} (${file}) can be read by others (mode ${mode.toString(8).padStart(4, '0')})`,
        `chmod 600 ${file}`,
      )
  }
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw tlsError(
      `gateway.tls.${key} (${file}) cannot be read: ${(err as NodeJS.ErrnoException).code}`,
      `check the file's permissions`,
    )
  }
  if (!text.includes('-----BEGIN '))
    throw tlsError(`gateway.tls.${key} (${file}) is not a PEM file`, `point gateway.tls.${key} at a PEM file`)
  return text
}
