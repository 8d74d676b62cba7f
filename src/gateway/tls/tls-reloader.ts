/**
 * Certificate rotation without a restart. A long-lived gateway outlives its certificate
 * (certbot renews every 60-90 days by repointing the symlinks in live/), so the certificate,
 * key and client CA are re-read when their files or gateway.tls change, and the new ones are
 * installed with `setSecureContext`: open connections keep theirs, new handshakes get the new
 * certificate. A rotation that does not load (half-written pair, a key others can read) is
 * refused with the reason and the previous certificate stays in use; the next change of the
 * files is tried again. Switching TLS on or off or changing clientAuth changes what kind of
 * server listens, so those say that a restart is needed and change nothing.
 */
import fs from 'node:fs'
import type tls from 'node:tls'
import type { GatewayTlsConfig } from '../../config/types.ts'
import type { Logger } from '../gateway-state.ts'
import { loadServerTls, type ServerTls } from './server-tls.ts'
import { type TlsFlags, type TlsSettings, tlsSettings } from './tls-settings.ts'

export type TlsCheck = 'unchanged' | 'reloaded' | 'refused' | 'restart-needed'

export interface TlsReloaderOptions {
  current: ServerTls
  flags: TlsFlags
  /** Installs the new certificate (tls.Server#setSecureContext). */
  apply: (options: tls.SecureContextOptions) => void
  log: Logger
}

export class TlsReloader {
  private current: ServerTls
  private stamp: string
  private readonly opts: TlsReloaderOptions

  constructor(opts: TlsReloaderOptions) {
    this.opts = opts
    this.current = opts.current
    this.stamp = stampOf(opts.current.settings)
  }

  get validTo(): string {
    return this.current.validTo
  }

  /** Compares gateway.tls and the files with what is served; reloads when they changed. */
  check(cfg: GatewayTlsConfig | undefined, now: number): TlsCheck {
    let settings: TlsSettings | undefined
    try {
      settings = tlsSettings(cfg, this.opts.flags)
    } catch (err) {
      return this.once(`config:${(err as Error).message}`, 'refused', () =>
        this.opts.log(
          'error',
          `tls: gateway.tls not applied, still serving ${this.served()}: ${(err as Error).message}`,
        ),
      )
    }
    if (!settings) {
      return this.once('off', 'restart-needed', () =>
        this.opts.log(
          'warn',
          'tls: gateway.tls is now off; restart the gateway to serve plain HTTP (it keeps serving HTTPS until then)',
        ),
      )
    }
    if (settings.clientAuth !== this.current.settings.clientAuth) {
      return this.once(`clientAuth:${settings.clientAuth}`, 'restart-needed', () =>
        this.opts.log(
          'warn',
          `tls: gateway.tls.clientAuth changed to "${settings.clientAuth}"; restart the gateway to apply it (it keeps "${this.current.settings.clientAuth}" until then)`,
        ),
      )
    }
    const stamp = stampOf(settings)
    if (stamp === this.stamp) return 'unchanged'
    this.stamp = stamp
    let loaded: ReturnType<typeof loadServerTls>
    try {
      loaded = loadServerTls(settings, now)
    } catch (err) {
      this.opts.log(
        'error',
        `tls: the new certificate is not used, still serving ${this.served()}: ${(err as Error).message}`,
      )
      return 'refused'
    }
    for (const w of loaded.warnings) this.opts.log('warn', `tls: ${w}`)
    const { cert, key, ca, minVersion } = loaded.options
    this.opts.apply({ cert, key, ...(ca !== undefined ? { ca } : {}), ...(minVersion ? { minVersion } : {}) })
    this.current = loaded
    this.opts.log(
      'info',
      `tls: certificate reloaded from ${settings.certPath} (valid to ${loaded.validTo}); new connections use it`,
    )
    return 'reloaded'
  }

  private served(): string {
    return `the certificate from ${this.current.settings.certPath} (valid to ${this.current.validTo})`
  }

  /** Logs a state that needs the operator once, not on every poll. */
  private once(state: string, result: TlsCheck, say: () => void): TlsCheck {
    const stamp = `!${state}`
    if (this.stamp !== stamp) {
      this.stamp = stamp
      say()
    }
    return result
  }
}

/**
 * The settings and what each file is now. stat follows symlinks, so a certbot renewal (new
 * files in archive/, live/ repointed) shows as a new inode; ctime catches a chmod.
 */
function stampOf(s: TlsSettings): string {
  const files = [s.certPath, s.keyPath, ...(s.caPath ? [s.caPath] : [])].map((f) => {
    try {
      const st = fs.statSync(f)
      return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`
    } catch (err) {
      return `missing:${(err as NodeJS.ErrnoException).code}`
    }
  })
  return JSON.stringify([s.certPath, s.keyPath, s.caPath ?? null, s.clientAuth, files])
}
