/**
 * Health of the host's Claude Code login as `models status` / `--check` report it for models
 * routed to the claude-cli runtime. The refusals are exactly the gateway's own pre-spawn
 * checks (account-check.ts); expiry follows the OAuth rules of docs/decisions.md, except that
 * an access token nearing its expiry is not news while Claude Code holds a refresh token: it
 * renews it itself on its next run, so warning about it would make every cron run exit 2.
 * Pure.
 */
import { DEFAULT_WARN_MS, formatRemaining } from '../auth/health.ts'
import type { CheckProblem } from '../auth/status-types.ts'
import type { HealthStatus } from '../auth/types.ts'
import { checkClaudeAccount, RELINK_COMMAND } from './account-check.ts'
import type { ClaudeAccount, ClaudeCliLogin } from './credentials.ts'

export interface ClaudeCliLoginReport {
  status: HealthStatus
  loggedIn: boolean
  refreshable: boolean
  /** The account Claude Code is logged in as (email, else account uuid). */
  account: string | null
  /** The account `login --method cli` recorded; null when never linked. */
  linkedAccount: string | null
  expiresAt?: number
  remainingMs?: number
  credentialsPath: string
  /** Why the gateway refuses to run `claude` on this login (not logged in, another account). */
  refusal?: { code: string; message: string; hint?: string }
  /** Every configured model routed to claude-cli. */
  routedModels: string[]
  /** Routed models in use (default, fallbacks) that no OpenClaw credential serves: this login does. */
  serves: string[]
}

export function claudeCliLoginReport(input: {
  login: ClaudeCliLogin
  linked: ClaudeAccount | undefined
  now: number
  routedModels: string[]
  serves: string[]
  warnMs?: number
}): ClaudeCliLoginReport {
  const { login, linked, now } = input
  const warnMs = input.warnMs ?? DEFAULT_WARN_MS
  const refusal = checkClaudeAccount(login, linked)
  const base = {
    loggedIn: login.loggedIn,
    refreshable: login.refreshable,
    account: login.account?.email ?? login.account?.accountUuid ?? null,
    linkedAccount: linked?.email ?? linked?.accountUuid ?? null,
    credentialsPath: login.credentialsPath,
    routedModels: input.routedModels,
    serves: input.serves,
    ...(refusal
      ? {
          refusal: {
            code: refusal.code,
            message: refusal.message,
            ...(refusal.hint ? { hint: refusal.hint } : {}),
          },
        }
      : {}),
  }
  if (!login.loggedIn) return { ...base, status: 'missing' }
  if (login.expiresAt === undefined) return { ...base, status: refusal ? 'missing' : 'static' }
  const remainingMs = login.expiresAt - now
  const status: HealthStatus = remainingMs <= 0 ? 'expired' : remainingMs <= warnMs ? 'expiring' : 'ok'
  return { ...base, status: refusal ? 'missing' : status, expiresAt: login.expiresAt, remainingMs }
}

/** `--check` problems; none unless the login actually serves a model in use. */
export function claudeCliProblems(r: ClaudeCliLoginReport): CheckProblem[] {
  if (r.serves.length === 0) return []
  const base = { provider: 'anthropic', profileId: 'claude-cli' }
  const models = r.serves.join(', ')
  const relogin = `claude auth login (on this host), then: ${RELINK_COMMAND}`
  if (r.refusal) {
    return [
      {
        ...base,
        level: 'error',
        message: `claude-cli login (serves ${models}): ${r.refusal.message}`,
        ...(r.refusal.hint ? { fix: r.refusal.hint } : {}),
      },
    ]
  }
  if (r.status === 'expired') {
    return r.refreshable
      ? [
          {
            ...base,
            level: 'warning',
            message: `claude-cli login (serves ${models}): access token expired; claude refreshes it on its next run`,
          },
        ]
      : [
          {
            ...base,
            level: 'error',
            message: `claude-cli login (serves ${models}) expired and holds no refresh token`,
            fix: relogin,
          },
        ]
  }
  if (r.status === 'expiring' && !r.refreshable) {
    return [
      {
        ...base,
        level: 'warning',
        message: `claude-cli login (serves ${models}) expires in ${formatRemaining(r.remainingMs ?? 0)} and holds no refresh token`,
        fix: relogin,
      },
    ]
  }
  return []
}
