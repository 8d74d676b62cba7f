/**
 * Findings for models.json files (src/migrate/models-json.ts): what each holds that openclaw
 * does not read, what `doctor --fix` will move into openclaw.json, and what it leaves for the
 * user. Pure, from the dry-run plan in DoctorState.
 */
import { MIGRATION_COMMAND } from '../migrate/legacy-detect.ts'
import type { ModelsJsonFilePlan } from '../migrate/models-json.ts'
import type { DoctorState, Finding } from './types.ts'

const BY_HAND = { automatic: false } as const

export function modelsJsonFindings(s: DoctorState): Finding[] {
  return s.modelsJson.map((p) => finding(p))
}

function finding(p: ModelsJsonFilePlan): Finding {
  const id = `legacy.models-json:${p.path}`
  const title = `${p.path} is not read: openclaw takes provider endpoints from openclaw.json only`
  if (p.failure) {
    return {
      id,
      area: 'legacy',
      level: 'warning',
      title,
      detail: `${p.failure}. Nothing is moved from it until it parses.`,
      fix: { description: 'fix the file or move its providers into openclaw.json by hand', ...BY_HAND },
    }
  }
  const lines: string[] = []
  if (p.add.length)
    lines.push(`Moved into openclaw.json models.providers by the fix: ${p.add.map((a) => a.id).join(', ')}.`)
  if (p.identical.length) lines.push(`Already in openclaw.json as they are: ${p.identical.join(', ')}.`)
  for (const c of p.conflicts)
    lines.push(`${c.id}: differs from ${c.with} in ${c.fields.join(', ')}; the entry in ${c.with} is used.`)
  for (const r of p.rejected) lines.push(`${r.id}: not moved (${r.reason}).`)
  const settled = p.conflicts.length === 0 && p.rejected.length === 0
  lines.push(
    settled
      ? 'The fix then keeps the file as models.json.migrated-<time>.'
      : 'The file stays until the entries above are reconciled by hand in openclaw.json and the file is removed.',
  )
  return {
    id,
    area: 'legacy',
    // Endpoints the user wrote and the gateway ignores: requests to those providers fail.
    level: p.add.length ? 'error' : 'warning',
    title,
    detail: lines.join('\n'),
    fix:
      p.add.length || settled
        ? { command: MIGRATION_COMMAND, automatic: true }
        : { description: 'reconcile the entries in openclaw.json, then remove the file', ...BY_HAND },
  }
}
