/**
 * The rows one profile owns, captured before a save so the save can be undone exactly when its
 * other half (the config entry) fails. Raw rows, not decoded objects: a restore must put back
 * what was there, including cooldowns and disables a new secret would have cleared.
 */
import type { Db } from './db.ts'
import type { CooldownRow, ProfileRow, StateRow } from './row-codec.ts'
import type { Statements } from './statements.ts'

/** Opaque to callers; holds secret columns, so it stays in memory and is never printed. */
export interface ProfileCapture {
  readonly id: string
  readonly profile: ProfileRow | undefined
  readonly state: StateRow | undefined
  readonly cooldowns: readonly CooldownRow[]
  readonly marker: Record<string, unknown> | undefined
}

export function captureRows(db: Db, q: Statements, id: string): ProfileCapture {
  return {
    id,
    profile: q.getProfile.get(id),
    state: q.getState.get(id),
    cooldowns: q.cooldownsFor.all(id),
    marker: db
      .prepare<[string], Record<string, unknown>>('SELECT * FROM oauth_refresh_state WHERE profile_id = ?')
      .get(id),
  }
}

/**
 * Puts the captured rows back. Order overrides and last-good rows are left alone: a save never
 * touches them. The generation still moves forward, so an OAuth refresh that read the undone
 * credential cannot compare-and-set over the restored one; a refresh marker that applied to
 * the captured generation is carried to the new one, so it still applies.
 */
export function restoreRows(db: Db, q: Statements, c: ProfileCapture): void {
  const current = q.getProfile.get(c.id)
  q.deleteProfile.run(c.id)
  q.deleteState.run(c.id)
  q.deleteCooldowns.run(c.id)
  db.prepare('DELETE FROM oauth_refresh_state WHERE profile_id = ?').run(c.id)
  let generation: number | undefined
  if (c.profile) {
    generation = Math.max(c.profile.generation, current?.generation ?? 0) + 1
    q.putProfile.run({ ...c.profile, generation })
  }
  if (c.state) q.putState.run(c.state)
  for (const row of c.cooldowns) q.putCooldown.run(row)
  if (c.marker) {
    const marker =
      generation !== undefined && c.marker.generation === c.profile?.generation
        ? { ...c.marker, generation }
        : c.marker
    const cols = Object.keys(marker)
    db.prepare(
      `INSERT INTO oauth_refresh_state (${cols.join(', ')}) VALUES (${cols.map((k) => `@${k}`).join(', ')})`,
    ).run(marker)
  }
}
