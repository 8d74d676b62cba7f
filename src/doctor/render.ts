/**
 * Human doctor output: findings grouped by area with the fix for each, then what --fix did
 * (every migration, with rejected entries and conflicts by id and reason), then a summary.
 * Formatting only; never a secret (findings and reports carry ids, paths and reasons).
 */
import { formatRemaining } from '../auth/health.ts'
import type { MigrationReport } from '../migrate/types.ts'
import { describeRejected } from './describe-rejected.ts'
import { AREA_ORDER } from './findings.ts'
import type { Finding, FindingArea } from './types.ts'

const AREA_TITLE: Record<FindingArea, string> = {
  config: 'Config',
  auth: 'Model auth',
  legacy: 'Legacy auth files',
  files: 'Files (permissions, journal, WAL)',
  env: 'Environment',
  secrets: 'Secret refs',
  gateway: 'Gateway',
  network: 'Provider reachability',
}

export interface RenderInput {
  findings: readonly Finding[]
  fixed?: readonly string[]
  migrations?: readonly MigrationReport[]
  fixRan: boolean
}

export function renderDoctor(
  r: RenderInput,
  style: (level: Finding['level'], s: string) => string = (_l, s) => s,
): string {
  const lines: string[] = []
  for (const area of AREA_ORDER) {
    const list = r.findings.filter((f) => f.area === area)
    if (list.length === 0) continue
    lines.push(AREA_TITLE[area])
    for (const f of list) {
      lines.push(`  ${style(f.level, `[${f.level}]`)} ${f.title}`)
      for (const d of f.detail.split('\n').filter(Boolean)) lines.push(`      ${d}`)
      if (f.fix) {
        const how = f.fix.command ?? f.fix.description ?? ''
        const auto =
          f.fix.automatic && !r.fixRan && how !== 'openclaw doctor --fix'
            ? ' (applied by openclaw doctor --fix)'
            : ''
        lines.push(
          `      fix: ${how}${f.fix.command && f.fix.description ? ` (${f.fix.description})` : ''}${auto}`,
        )
      }
    }
    lines.push('')
  }
  if (r.migrations?.length) {
    lines.push('Migrations')
    for (const m of r.migrations) lines.push(...migrationLines(m))
    lines.push('')
  }
  if (r.fixRan) {
    lines.push(r.fixed?.length ? 'Fixed' : 'Fixed: nothing to change')
    for (const f of r.fixed ?? []) lines.push(`  - ${f}`)
    lines.push('')
  }
  const count = (l: Finding['level']) => r.findings.filter((f) => f.level === l).length
  lines.push(`Summary: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info`)
  return `${lines.join('\n')}\n`
}

function migrationLines(m: MigrationReport): string[] {
  const who = m.agentId ? ` (agent ${m.agentId})` : ''
  const out = [`  ${m.migration}${who}: ${m.status}${m.source ? ` - ${m.source}` : ''}`]
  if (m.imported.length) out.push(`      imported: ${m.imported.join(', ')}`)
  if (m.identical.length) out.push(`      already stored (unchanged): ${m.identical.join(', ')}`)
  for (const r of m.renamed) out.push(`      renamed: ${r.from} -> ${r.to}`)
  for (const c of m.conflicts)
    out.push(`      conflict: ${c.id}: ${c.reason} (source kept; reconcile by hand and rerun)`)
  for (const r of m.rejected) out.push(`      rejected: ${describeRejected(r)}`)
  if (m.orderSet.length) out.push(`      order override set for: ${m.orderSet.join(', ')}`)
  if (m.stateUpdated.length) out.push(`      usage state carried over for: ${m.stateUpdated.join(', ')}`)
  for (const c of m.clamped) {
    const scope = c.model === '*' ? '' : `, model ${c.model}`
    out.push(
      `      clamped: ${c.id} ${c.kind} (${c.reason}${scope}) from ${formatRemaining(c.requestedMs)} to ${formatRemaining(c.allowedMs)} (the longest window the cooldown ladder gives)`,
    )
  }
  for (const c of m.configChanges) out.push(`      config: ${c}`)
  if (m.archivedTo) out.push(`      archived as: ${m.archivedTo}`)
  if (m.error) out.push(`      error: ${m.error}`)
  return out
}
