/** Fixtures for refresh tests: a temp state dir, agent stores, a config pointing at the mock AS. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Family, MockOAuthServer } from '../../test/support/mock-oauth-server.ts'
import type { OAuthCredential } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { CredentialStore } from '../store/credential-store.ts'

const dirs: string[] = []

export function tempStateDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-oauth-'))
  dirs.push(d)
  return d
}

export function cleanupStateDirs(): void {
  for (const d of dirs.splice(0)) {
    try {
      fs.chmodSync(d, 0o700)
    } catch {}
    fs.rmSync(d, { recursive: true, force: true })
  }
}

export function agentStorePath(stateDir: string, agentId: string): string {
  return path.join(stateDir, 'agents', agentId, 'agent', 'openclaw-agent.sqlite')
}

export function openAgentStore(stateDir: string, agentId: string): CredentialStore {
  return CredentialStore.open(agentStorePath(stateDir, agentId))
}

export function oauthConfig(as: MockOAuthServer, provider = 'openai'): OpenclawConfig {
  return {
    models: {
      providers: {
        [provider]: {
          oauth: { tokenUrl: as.tokenUrl, authorizeUrl: as.authorizeUrl, clientId: as.clientId },
        },
      },
    },
  }
}

export function credOf(f: Family, expires: number, provider = 'openai'): OAuthCredential {
  return {
    type: 'oauth',
    provider,
    access: f.current.access,
    refresh: f.current.refresh,
    expires,
    accountId: f.accountId,
    email: f.email,
  }
}
