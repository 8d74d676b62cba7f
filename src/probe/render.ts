/**
 * Human "Auth probes" section (auth-spec 3.1): Model / Profile (mode) / Status · latency,
 * detail lines prefixed `↳`, and the summary line. Formatting only.
 */
import type { ProbeReport, ProbeResult } from './types.ts'

export function renderProbeSection(report: ProbeReport): string[] {
  const lines = ['Auth probes']
  if (report.results.length === 0) {
    lines.push('No probe targets.')
    return lines
  }
  const head = ['Model', 'Profile (mode)', 'Status']
  const rows = report.results.map((r) => [r.model ?? '-', `${r.label} (${r.mode})`, statusCell(r)])
  const widths = [0, 1].map((i) => Math.max(head[i]!.length, ...rows.map((row) => row[i]!.length)))
  const fmt = (row: string[]) => `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`
  lines.push(fmt(head))
  report.results.forEach((r, i) => {
    lines.push(fmt(rows[i]!))
    for (const d of detailLines(r)) lines.push(`${' '.repeat(widths[0]! + 2)}${d}`)
  })
  lines.push(`Probed ${report.totalTargets} target(s) in ${formatDuration(report.durationMs)}`)
  return lines
}

function statusCell(r: ProbeResult): string {
  const code = r.reasonCode && r.reasonCode !== r.status ? ` [${r.reasonCode}]` : ''
  return r.latencyMs === null ? `${r.status}${code}` : `${r.status}${code} · ${formatDuration(r.latencyMs)}`
}

/** Every line of the error starts with `↳` (already-prefixed lines are kept as they are). */
function detailLines(r: ProbeResult): string[] {
  if (!r.error) return []
  return r.error
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (l.startsWith('↳') ? l : `↳ ${l}`))
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`
}
