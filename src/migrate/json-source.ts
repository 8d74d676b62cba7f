/**
 * The shared flow of every legacy JSON source: read -> parse (whole file refused when
 * unreadable) -> aws-sdk markers into config -> one-transaction import -> read-back verify ->
 * archive by rename. Crash at any step and rerun: the source is either still there (the
 * import recognises its own rows and writes nothing twice) or already archived.
 */
import { readRawConfig } from '../config/load.ts'
import { OpenclawError } from '../errors.ts'
import { importIntoStore } from './apply-import.ts'
import { archiveFile } from './archive.ts'
import { awsSdkConfigEdit, awsSdkConflicts } from './aws-sdk-markers.ts'
import { applyConfigEdit, type MigrationContext } from './context.ts'
import { type DocKind, parseLegacyText } from './legacy-doc.ts'
import { readLegacyFile } from './read-legacy-file.ts'
import { emptyReport, type MigrationReport, type ParsedLegacy } from './types.ts'

export interface JsonSource {
  migration: string
  file: string
  kind: DocKind
  agentId: string
  storePath: string
}

export async function migrateJsonSource(
  src: JsonSource,
  ctx: MigrationContext,
): Promise<MigrationReport | undefined> {
  const report = emptyReport(src.migration, { agentId: src.agentId, source: src.file })
  const read = readLegacyFile(src.file)
  if (!read.ok) return read.failure === 'missing' ? undefined : fail(report, read.detail)
  const outcome = parseLegacyText(read.text, src.kind)
  if (!outcome.ok) return fail(report, `${src.file}: ${outcome.detail}; left untouched`)
  return importParsed(outcome.parsed, src, ctx, report)
}

/** Shared with the OpenClaw-store migration, which parses its JSON cells itself. */
export async function importParsed(
  parsed: ParsedLegacy,
  src: { file: string; storePath: string; archive?: (now: number) => string },
  ctx: MigrationContext,
  report: MigrationReport,
): Promise<MigrationReport> {
  report.rejected.push(...parsed.rejected)
  try {
    if (parsed.awsSdk.length) {
      report.conflicts.push(...awsSdkConflicts(parsed.awsSdk, readRawConfig(ctx.configPath).raw))
      report.configChanges.push(...applyConfigEdit(ctx, awsSdkConfigEdit(parsed.awsSdk)))
    }
    const plan = await importIntoStore(src.storePath, parsed, ctx.now, ctx.hooks, src.file)
    report.imported.push(...plan.writes.map((w) => w.id))
    report.identical.push(...plan.identical)
    report.conflicts.push(...plan.conflicts)
    report.rejected.push(...plan.rejected)
    report.renamed.push(...plan.renamed)
    report.orderSet.push(...plan.order.map((o) => o.provider))
    report.stateUpdated.push(...plan.states.map((s) => s.id))
    report.clamped.push(...plan.clamped)
    if (plan.conflicts.length > 0) {
      // The source still holds something we did not take: keep it for the operator.
      report.status = 'conflict'
      return report
    }
    await ctx.hooks.marker?.('before-archive', src.file)
    report.archivedTo = src.archive
      ? src.archive(ctx.now)
      : archiveFile(src.file, parsed.shape === 'flat' ? 'legacy-flat' : 'migrated', ctx.now)
    report.status = 'imported'
    return report
  } catch (err) {
    return fail(
      report,
      OpenclawError.isInstance(err) ? err.message : `unexpected failure: ${(err as Error).message}`,
    )
  }
}

function fail(report: MigrationReport, error: string): MigrationReport {
  report.status = 'failed'
  report.error = error
  return report
}
