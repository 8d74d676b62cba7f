/**
 * Which TLS the gateway serves (F-13), decided from `gateway.tls` and the `--tls-cert` /
 * `--tls-key` flags. Pure: no file is read here (server-tls.ts and local-client.ts do that),
 * so the server and the CLI that talks to it cannot disagree about whether TLS is on.
 *
 * TLS is on when a certificate is configured, unless `enabled: false`. Required client
 * certificates need an explicit `caPath`: without one Node would accept any certificate from
 * the system's public CAs, which is no client authentication at all.
 */
import path from 'node:path'
import type { GatewayTlsConfig } from '../../config/types.ts'
import { OpenclawError } from '../../errors.ts'

export interface TlsSettings {
  certPath: string
  keyPath: string
  caPath?: string
  clientAuth: 'none' | 'require'
  cliCertPath?: string
  cliKeyPath?: string
}

export interface TlsFlags {
  cert?: string
  key?: string
  /** Flags are relative to the working directory; config paths must be absolute. */
  cwd?: string
}

export function tlsSettings(
  cfg: GatewayTlsConfig | undefined,
  flags: TlsFlags = {},
): TlsSettings | undefined {
  const c = cfg ?? {}
  const fromFlags = flags.cert !== undefined || flags.key !== undefined
  if (!fromFlags) {
    if (c.enabled === false) return undefined
    if (c.enabled !== true && c.certPath === undefined && c.keyPath === undefined) {
      if (c.clientAuth === 'require')
        throw tlsError(
          'gateway.tls.clientAuth is "require" but TLS is not configured',
          'set gateway.tls.certPath and gateway.tls.keyPath',
        )
      return undefined
    }
  }
  if (c.autoGenerate === true)
    throw tlsError(
      'gateway.tls.autoGenerate is not supported by this build',
      'create a certificate (for example with openssl) and set gateway.tls.certPath and gateway.tls.keyPath',
    )
  if (fromFlags && (flags.cert === undefined) !== (flags.key === undefined))
    throw tlsError(
      `--${flags.cert === undefined ? 'tls-cert' : 'tls-key'} is missing`,
      'pass --tls-cert and --tls-key together',
    )
  const certPath = fromFlags
    ? path.resolve(flags.cwd ?? process.cwd(), flags.cert!)
    : configPath(c, 'certPath')
  const keyPath = fromFlags ? path.resolve(flags.cwd ?? process.cwd(), flags.key!) : configPath(c, 'keyPath')
  const clientAuth = c.clientAuth ?? 'none'
  const caPath = c.caPath === undefined ? undefined : configPath(c, 'caPath')
  if (clientAuth === 'require' && caPath === undefined)
    throw tlsError(
      'gateway.tls.clientAuth is "require" but gateway.tls.caPath is not set',
      'set gateway.tls.caPath to the CA that signs your client certificates (without it any publicly issued certificate would be accepted)',
    )
  if ((c.cliCertPath === undefined) !== (c.cliKeyPath === undefined))
    throw tlsError(
      `gateway.tls.${c.cliCertPath === undefined ? 'cliCertPath' : 'cliKeyPath'} is missing`,
      'set gateway.tls.cliCertPath and gateway.tls.cliKeyPath together',
    )
  return {
    certPath,
    keyPath,
    ...(caPath ? { caPath } : {}),
    clientAuth,
    ...(c.cliCertPath
      ? { cliCertPath: configPath(c, 'cliCertPath'), cliKeyPath: configPath(c, 'cliKeyPath') }
      : {}),
  }
}

type PathKey = 'certPath' | 'keyPath' | 'caPath' | 'cliCertPath' | 'cliKeyPath'

function configPath(c: GatewayTlsConfig, key: PathKey): string {
  const v = c[key]
  if (v === undefined)
    throw tlsError(
      `gateway.tls.${key} is not set`,
      `set gateway.tls.${key} to an absolute path of a PEM file`,
    )
  if (!path.isAbsolute(v))
    throw tlsError(
      `gateway.tls.${key} must be an absolute path`,
      `write the full path of the PEM file in gateway.tls.${key}`,
    )
  return v
}

export function tlsError(message: string, fix: string): OpenclawError {
  return new OpenclawError('usage', `Gateway TLS: ${message}.`, {
    hint: `Fix: ${fix} (see the TLS section of docs/gateway.md).`,
  })
}
