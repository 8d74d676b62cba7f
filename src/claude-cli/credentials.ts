/**
 * Reads Claude Code's own login, strictly read-only: `<claude dir>/.credentials.json`
 * (`claudeAiOauth: { accessToken, refreshToken, expiresAt, scopes, subscriptionType }`) and the
 * account it belongs to from `.claude.json` (`oauthAccount: { emailAddress, accountUuid, ... }`).
 * Claude Code refreshes its own tokens; we re-read on a TTL (auth-spec 2.9: 15 min) and never
 * refresh with a copied refresh token, which is dropped at parse time and never leaves here.
 * File-backed logins only: the macOS Keychain is never touched (no prompts from status paths).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

type Env = Readonly<Record<string, string | undefined>>

export const CLI_SYNC_TTL_MS = 15 * 60_000

export interface ClaudeAccount {
  email?: string
  accountUuid?: string
  organizationUuid?: string
}

export interface ClaudeCliLogin {
  /** True when the credentials file holds an access token. */
  loggedIn: boolean
  /** Only handed to a spawned `claude` when explicitly selected; never logged. */
  accessToken?: string
  /** Whether Claude Code holds a refresh token (it renews its own access token); never the token. */
  refreshable: boolean
  expiresAt?: number
  subscriptionType?: string
  scopes?: string[]
  account?: ClaudeAccount
  credentialsPath: string
  accountPath: string
  readAt: number
}

export function claudePaths(env: Env): { dir: string; credentials: string; account: string } {
  const home = env.HOME ?? os.homedir()
  const dir = env.CLAUDE_CONFIG_DIR ? path.resolve(env.CLAUDE_CONFIG_DIR) : path.join(home, '.claude')
  return {
    dir,
    credentials: path.join(dir, '.credentials.json'),
    // With CLAUDE_CONFIG_DIR the global config lives inside it; otherwise in the home dir.
    account: env.CLAUDE_CONFIG_DIR ? path.join(dir, '.claude.json') : path.join(home, '.claude.json'),
  }
}

export function readClaudeCliLogin(env: Env, now: number): ClaudeCliLogin {
  const p = claudePaths(env)
  const creds = readJson(p.credentials)
  const oauth = obj(creds?.claudeAiOauth)
  const accessToken = str(oauth?.accessToken)
  const expiresAt =
    typeof oauth?.expiresAt === 'number' && Number.isFinite(oauth.expiresAt) ? oauth.expiresAt : undefined
  const acct = obj(readJson(p.account)?.oauthAccount)
  const account: ClaudeAccount = {
    ...(str(acct?.emailAddress) ? { email: str(acct?.emailAddress)! } : {}),
    ...(str(acct?.accountUuid) ? { accountUuid: str(acct?.accountUuid)! } : {}),
    ...(str(acct?.organizationUuid) ? { organizationUuid: str(acct?.organizationUuid)! } : {}),
  }
  const scopes = Array.isArray(oauth?.scopes)
    ? oauth.scopes.filter((s): s is string => typeof s === 'string')
    : undefined
  return {
    loggedIn: accessToken !== undefined,
    refreshable: str(oauth?.refreshToken) !== undefined,
    ...(accessToken ? { accessToken } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(str(oauth?.subscriptionType) ? { subscriptionType: str(oauth?.subscriptionType)! } : {}),
    ...(scopes ? { scopes } : {}),
    ...(Object.keys(account).length ? { account } : {}),
    credentialsPath: p.credentials,
    accountPath: p.account,
    readAt: now,
  }
}

/** Caches the login and re-reads it once the TTL has passed (or on demand). */
export class ClaudeCliLoginReader {
  private cached: ClaudeCliLogin | undefined
  constructor(
    private readonly env: Env,
    private readonly clock: () => number,
    private readonly ttlMs = CLI_SYNC_TTL_MS,
  ) {}

  get(): ClaudeCliLogin {
    const now = this.clock()
    if (!this.cached || now - this.cached.readAt >= this.ttlMs)
      this.cached = readClaudeCliLogin(this.env, now)
    return this.cached
  }

  invalidate(): void {
    this.cached = undefined
  }
}

function readJson(p: string): Record<string, unknown> | undefined {
  try {
    // Bounded: these files are small; anything huge is not Claude Code's.
    if (fs.statSync(p).size > 1024 * 1024) return undefined
    return obj(JSON.parse(fs.readFileSync(p, 'utf8')))
  } catch {
    return undefined
  }
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}
