/**
 * The gateway's OAuth refresher (lease + compare-and-set refresh, src/oauth), loaded on first
 * OAuth use and shared by every agent, with its events turned into gateway log lines.
 */
import type { OpenclawConfig } from '../config/types.ts'
import type { OAuthRefresher } from '../oauth/refresher.ts'
import type { CredentialStore } from '../store/credential-store.ts'
import { redactPatterns } from '../util/redact.ts'
import type { Logger } from './gateway-context.ts'

export interface RefresherHost {
  stateDir: string
  config: () => OpenclawConfig
  debug: boolean
  log: Logger
  /** An open store of one of our agents by path, so refreshes write through it. */
  openStore: (path: string) => CredentialStore | undefined
}

export async function loadGatewayRefresher(host: RefresherHost): Promise<OAuthRefresher> {
  const { createOAuthRefresher } = await import('../oauth/refresher.ts')
  return createOAuthRefresher({
    stateDir: host.stateDir,
    config: host.config,
    log: (e) => {
      const line = `oauth ${e.event}${e.profileId ? ` ${e.profileId}` : ''}`
      // The messages name profiles, accounts, pids and the provider's error text; they are
      // built without token material, yet a provider may echo anything: masked again here.
      if (e.level === 'debug') {
        if (host.debug) host.log('debug', redactPatterns(`${line}: ${e.message}`))
      }
      // A refresh whose tokens could not be saved is said in full at any level (B-06): the
      // operator must learn which store to free space for; the message holds no provider text.
      else if (host.debug || e.event === 'not-persisted')
        host.log(e.level, `${line}: ${redactPatterns(e.message)}`)
      else host.log(e.level, line)
    },
    openStore: host.openStore,
  })
}
