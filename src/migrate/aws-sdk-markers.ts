/**
 * Legacy stores sometimes held `type: "aws-sdk"` entries. They are routing metadata, not
 * credentials (auth-spec 1.4, 5.2): they move to `auth.profiles.<id>.mode: "aws-sdk"` in
 * config. An existing config entry for the id with another mode is left alone and reported.
 */

import { objectAt } from '../config/object-at.ts'
import { naiveCodexId } from './codex-ids.ts'
import { authSection, type ConfigEdit } from './context.ts'

export function awsSdkConfigEdit(markers: ReadonlyArray<{ id: string; provider: string }>): ConfigEdit {
  return (raw) => {
    if (markers.length === 0) return []
    const profiles = objectAt(authSection(raw), 'profiles')
    const changes: string[] = []
    for (const m of markers) {
      const id = naiveCodexId(m.id)
      if (profiles[id] !== undefined) continue
      profiles[id] = { provider: m.provider, mode: 'aws-sdk' }
      changes.push(`auth.profiles.${id} = { mode: "aws-sdk" }`)
    }
    return changes
  }
}

/** Ids whose config entry already exists with a different mode (reported, never overwritten). */
export function awsSdkConflicts(
  markers: ReadonlyArray<{ id: string }>,
  raw: Record<string, unknown>,
): Array<{ id: string; reason: string }> {
  const auth = raw.auth as { profiles?: Record<string, { mode?: unknown }> } | undefined
  return markers
    .map((m) => naiveCodexId(m.id))
    .filter((id) => {
      const mode = auth?.profiles?.[id]?.mode
      return mode !== undefined && mode !== 'aws-sdk'
    })
    .map((id) => ({ id, reason: 'auth.profiles entry exists with another mode; aws-sdk marker not applied' }))
}
