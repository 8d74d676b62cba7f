/**
 * Rows of `oauth_refresh_state`: the persisted outcome of a failed OAuth refresh (re-auth
 * required, or a transient failure with its back-off deadline). Kept apart from the credential
 * row so recording a failure never rewrites (or risks losing) the tokens themselves.
 */
import type { OAuthRefreshMarker } from '../auth/types.ts'
import type { Db } from './db.ts'

interface MarkerRow {
  profile_id: string
  generation: number
  status: string
  reason: string
  message: string
  failures: number
  failed_at: number
  retry_at: number | null
}

function decode(r: MarkerRow): OAuthRefreshMarker | undefined {
  if (r.status !== 'reauth_required' && r.status !== 'backoff') return undefined
  return {
    generation: r.generation,
    status: r.status,
    reason: r.reason,
    message: r.message,
    failures: r.failures,
    failedAt: r.failed_at,
    ...(r.retry_at !== null ? { retryAt: r.retry_at } : {}),
  }
}

export function getMarker(db: Db, profileId: string): OAuthRefreshMarker | undefined {
  const row = db
    .prepare<[string], MarkerRow>('SELECT * FROM oauth_refresh_state WHERE profile_id = ?')
    .get(profileId)
  return row ? decode(row) : undefined
}

export function listMarkers(db: Db): Map<string, OAuthRefreshMarker> {
  const out = new Map<string, OAuthRefreshMarker>()
  for (const row of db.prepare<[], MarkerRow>('SELECT * FROM oauth_refresh_state').all()) {
    const m = decode(row)
    if (m) out.set(row.profile_id, m)
  }
  return out
}

export function putMarker(db: Db, profileId: string, m: OAuthRefreshMarker): void {
  db.prepare(
    `INSERT OR REPLACE INTO oauth_refresh_state
       (profile_id, generation, status, reason, message, failures, failed_at, retry_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(profileId, m.generation, m.status, m.reason, m.message, m.failures, m.failedAt, m.retryAt ?? null)
}

export function deleteMarker(db: Db, profileId: string): boolean {
  return db.prepare('DELETE FROM oauth_refresh_state WHERE profile_id = ?').run(profileId).changes > 0
}
