/**
 * `openclaw backup [--agent <id> | --all] [--out <dir>] [--json]`: consistent copies of the
 * credential stores (SQLite online backup API), plus openclaw.json and <state>/.env, into `<out>/openclaw-backup-<timestamp>/`,
 * published by one rename, 0700/0600. Default: every agent, into `<state>/backups`. Exit 0
 * done, 1 nothing to back up or a store/destination failed (nothing half-written is left),
 * 64 usage, 75 a store was busy. Restore: docs/backup.md.
 */
import path from 'node:path'
import { SECRETS_WARNING } from '../../backup/backup-names.ts'
import { backupSources } from '../../backup/backup-sources.ts'
import { runBackup } from '../../backup/run-backup.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const agent = stringOpt(ctx.parsed, 'agent')
  if (agent !== undefined && boolOpt(ctx.parsed, 'all')) {
    throw new OpenclawError('usage', 'Give either --agent <id> or --all, not both.', {
      hint: 'openclaw backup (every agent) | openclaw backup --agent <id>',
    })
  }
  const outFlag = stringOpt(ctx.parsed, 'out')
  if (outFlag !== undefined && outFlag.trim() === '') {
    throw new OpenclawError('usage', '--out needs a directory.', {
      hint: 'openclaw backup --out /path/to/dir',
    })
  }
  const found = backupSources(ctx.env, agent)
  if (found.configWarning) err(ctx, `warning: ${found.configWarning}`)
  const outDir = outFlag === undefined ? path.join(found.stateDir, 'backups') : path.resolve(ctx.cwd, outFlag)
  const r = await runBackup({ sources: found.sources, files: found.files, outDir, now: ctx.clock() })
  if (boolOpt(ctx.parsed, 'json')) {
    printJson(ctx, {
      ...r,
      createdAt: new Date(r.createdAt).toISOString(),
      containsSecrets: true,
      warning: SECRETS_WARNING,
    })
    return EXIT.ok
  }
  for (const p of r.removedPartials) out(ctx, `Removed an interrupted backup: ${p}`)
  const profiles = r.agents.reduce((n, a) => n + a.profiles, 0)
  out(ctx, `Backed up ${r.agents.length} credential store(s), ${profiles} profile(s), to ${r.backupDir}`)
  for (const a of r.agents) out(ctx, `  ${a.agentId}: ${a.profiles} profile(s), ${a.bytes} bytes  ${a.file}`)
  for (const s of r.skipped) out(ctx, `  ${s.agentId}: skipped (${s.reason})`)
  for (const f of r.files) out(ctx, `  ${f.name}: ${f.bytes} bytes  ${f.file}`)
  out(ctx, '')
  out(ctx, `warning: ${SECRETS_WARNING}`)
  out(
    ctx,
    'Restore: stop the gateway, move the current store and its -wal/-shm aside, copy the file back (docs/backup.md).',
  )
  return EXIT.ok
}
