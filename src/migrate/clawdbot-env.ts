/**
 * `~/.clawdbot/.env` (seed 004 puts the daemon's keys there): imported into `<state>/.env`,
 * which is what the gateway service reads. Entries already in the target win and are never
 * overwritten; the target is written atomically with mode 0600 and read back before the source
 * is archived (`.env.migrated-<ts>`). A conflict keeps the source for the operator. The runtime
 * never reads the legacy file itself (DECISIONS section 2: detected by doctor, offered for import).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseDotenv } from '../env/dotenv.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { ensurePrivateDir } from '../util/fs-private.ts'
import { archiveFile } from './archive.ts'
import { readSmallFile } from './clawdbot-locate.ts'
import type { MigrationContext } from './context.ts'
import { planDotenvMerge } from './dotenv-merge.ts'
import { emptyReport, type MigrationReport } from './types.ts'

export const CLAWDBOT_ENV_MIGRATION = 'clawdbot:.env'

export async function migrateClawdbotEnv(
  dir: string,
  ctx: MigrationContext,
): Promise<MigrationReport | undefined> {
  const file = path.join(dir, '.env')
  const text = readSmallFile(file)
  if (text === undefined) return undefined
  const legacy = parseDotenv(text)
  if (!Object.values(legacy).some((v) => v !== '')) return undefined
  const target = path.join(ctx.stateDir, '.env')
  const report = emptyReport(CLAWDBOT_ENV_MIGRATION, { source: file })
  try {
    const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : ''
    const current = parseDotenv(before)
    const plan = planDotenvMerge(legacy, current)
    report.identical.push(...plan.identical)
    report.rejected.push(...plan.rejected)
    report.conflicts.push(
      ...plan.conflicts.map((id) => ({ id, reason: `already set in ${target} to another value; kept` })),
    )
    if (plan.add.length) {
      ensurePrivateDir(ctx.stateDir)
      const sep = before === '' || before.endsWith('\n') ? '' : '\n'
      const header = `# imported from ${file} by openclaw doctor --fix (${new Date(ctx.now).toISOString()})\n`
      writeFileAtomic(target, `${before}${sep}${header}${plan.add.map((a) => a.line).join('\n')}\n`, {
        mode: 0o600,
      })
    }
    await ctx.hooks.marker?.('after-import', file)
    verify(target, legacy, current, [...plan.add.map((a) => a.name), ...plan.identical])
    await ctx.hooks.marker?.('after-verify', file)
    report.imported.push(...plan.add.map((a) => a.name))
    if (plan.conflicts.length || plan.rejected.length) {
      // Something in the source did not arrive: keep it for the operator.
      report.status = 'conflict'
      return report
    }
    await ctx.hooks.marker?.('before-archive', file)
    report.archivedTo = archiveFile(file, 'migrated', ctx.now)
    report.status = 'imported'
    return report
  } catch (err) {
    report.status = 'failed'
    report.error = `${(err as Error).message}; ${file} was left in place`
    return report
  }
}

/** Every imported name reads back with its value, and nothing that was there changed. */
function verify(
  target: string,
  legacy: Readonly<Record<string, string>>,
  before: Readonly<Record<string, string>>,
  names: readonly string[],
): void {
  if (names.length === 0) return
  const after = parseDotenv(fs.readFileSync(target, 'utf8'))
  for (const n of names) if (after[n] !== legacy[n]) throw new Error(`${n} did not read back from ${target}`)
  for (const [n, v] of Object.entries(before))
    if (after[n] !== v) throw new Error(`${n} in ${target} changed while importing`)
}
