/**
 * How this machine's CLI (logout/reload notifications, doctor, secrets reload) reaches its own
 * gateway when `gateway.tls` is on (F-13). It trusts the configured server certificate itself
 * (pinned by SHA-256 fingerprint, since 127.0.0.1 is rarely among its names), the client CA and
 * the system roots, and presents `gateway.tls.cliCertPath`/`cliKeyPath` when the gateway
 * requires client certificates. Nothing is read unless TLS is configured.
 */
import { X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import type { OpenclawConfig } from '../../config/types.ts'
import { tlsSettings } from './tls-settings.ts'

export interface LocalGatewayTls {
  scheme: 'http' | 'https'
  /** Options for https.request / tls.connect / new WebSocket(url, options). */
  options?: tls.ConnectionOptions
  /** Why a call will fail before it is made (no client certificate for a gateway that needs one). */
  problem?: string
}

export function localGatewayTls(config: OpenclawConfig | undefined): LocalGatewayTls {
  let settings: ReturnType<typeof tlsSettings>
  try {
    settings = tlsSettings(config?.gateway?.tls)
  } catch (err) {
    return { scheme: 'https', problem: (err as Error).message }
  }
  if (!settings) return { scheme: 'http' }
  let serverCert: string
  let ca: string | undefined
  try {
    serverCert = fs.readFileSync(settings.certPath, 'utf8')
    ca = settings.caPath ? fs.readFileSync(settings.caPath, 'utf8') : undefined
  } catch (err) {
    return {
      scheme: 'https',
      problem: `cannot read the gateway certificate to trust it (${(err as NodeJS.ErrnoException).code ?? 'error'}); check gateway.tls.certPath / caPath`,
    }
  }
  let pinned: string | undefined
  try {
    pinned = new X509Certificate(serverCert).fingerprint256
  } catch {
    pinned = undefined
  }
  const options: tls.ConnectionOptions = {
    ca: [...tls.rootCertificates, serverCert, ...(ca ? [ca] : [])],
    // Called only after the chain verified; the pin replaces the name check for this one cert.
    checkServerIdentity: (host, cert) =>
      pinned !== undefined && cert.fingerprint256 === pinned
        ? undefined
        : tls.checkServerIdentity(host, cert),
  }
  if (settings.cliCertPath && settings.cliKeyPath) {
    try {
      options.cert = fs.readFileSync(settings.cliCertPath, 'utf8')
      options.key = fs.readFileSync(settings.cliKeyPath, 'utf8')
    } catch (err) {
      return {
        scheme: 'https',
        options,
        problem: `cannot read the CLI client certificate (${(err as NodeJS.ErrnoException).code ?? 'error'}); check gateway.tls.cliCertPath / cliKeyPath`,
      }
    }
  } else if (settings.clientAuth === 'require') {
    return {
      scheme: 'https',
      options,
      problem:
        'the gateway requires client certificates (gateway.tls.clientAuth "require"); set gateway.tls.cliCertPath and gateway.tls.cliKeyPath to a certificate signed by gateway.tls.caPath so the CLI can reach it',
    }
  }
  return { scheme: 'https', options }
}

/** GET with a deadline; the status, or a short reason (TLS errors name the handshake). */
export function getStatus(
  url: string,
  timeoutMs: number,
  options?: tls.ConnectionOptions,
): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const u = new URL(url)
    const client = u.protocol === 'https:' ? https : http
    const req = client.get(u, { timeout: timeoutMs, agent: false, ...(options ?? {}) }, (res) => {
      res.resume()
      resolve({ status: res.statusCode ?? 0 })
    })
    req.on('timeout', () => {
      req.destroy()
      resolve({ error: `no answer within ${timeoutMs} ms` })
    })
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({
        error:
          e.code === 'ECONNREFUSED'
            ? 'connection refused'
            : /SSL|TLS|CERT/i.test(e.code ?? '')
              ? `TLS handshake failed (${e.code})`
              : (e.code ?? e.message),
      }),
    )
  })
}
