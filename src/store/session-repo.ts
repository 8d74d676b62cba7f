/**
 * Session rows: which model and auth profile a conversation is pinned to. Kept apart from the
 * credential code; the gateway caches them in memory and writes only when a pin changes.
 */
import type { Db } from './db.ts'

export interface SessionRecord {
  sessionKey: string
  modelOverride?: string
  profileOverride?: string
  profileOverrideSource?: 'user' | 'auto'
  /** Signature of the auth order an auto pin was chosen under; a changed order drops it. */
  orderSignature?: string
  updatedAt: number
}

interface SessionRow {
  session_key: string
  model_override: string | null
  profile_override: string | null
  profile_override_source: 'user' | 'auto' | null
  order_signature: string | null
  updated_at: number
}

function decode(r: SessionRow): SessionRecord {
  return {
    sessionKey: r.session_key,
    ...(r.model_override !== null ? { modelOverride: r.model_override } : {}),
    ...(r.profile_override !== null ? { profileOverride: r.profile_override } : {}),
    ...(r.profile_override_source !== null ? { profileOverrideSource: r.profile_override_source } : {}),
    ...(r.order_signature !== null ? { orderSignature: r.order_signature } : {}),
    updatedAt: r.updated_at,
  }
}

export function getSession(db: Db, key: string): SessionRecord | undefined {
  const row = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE session_key = ?').get(key)
  return row ? decode(row) : undefined
}

export function listSessions(db: Db): SessionRecord[] {
  return db.prepare<[], SessionRow>('SELECT * FROM sessions ORDER BY updated_at DESC').all().map(decode)
}

export function putSession(db: Db, s: SessionRecord): void {
  db.prepare(
    `INSERT INTO sessions (session_key, model_override, profile_override, profile_override_source, order_signature, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(session_key) DO UPDATE SET model_override = excluded.model_override,
       profile_override = excluded.profile_override, profile_override_source = excluded.profile_override_source,
       order_signature = excluded.order_signature, updated_at = excluded.updated_at`,
  ).run(
    s.sessionKey,
    s.modelOverride ?? null,
    s.profileOverride ?? null,
    s.profileOverrideSource ?? null,
    s.orderSignature ?? null,
    s.updatedAt,
  )
}

export function deleteSession(db: Db, key: string): boolean {
  return db.prepare('DELETE FROM sessions WHERE session_key = ?').run(key).changes > 0
}
