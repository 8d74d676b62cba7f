/**
 * `openclaw models status [--json] [--plain] [--check] [--agent <id>]`.
 * `--check` exits exactly 0 (ok), 1 (expired or missing) or 2 (expiring); any other failure
 * of this command exits with a different code (see errors.ts EXIT), never 2.
 */
import { buildStatusReport, NO_CREDENTIALS } from '../../auth/status-report.ts'
import { claudeCliStatusInputs } from '../../claude-cli/status-inputs.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { parseProbeOptions } from '../../probe/options.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { listCorruptAside } from '../../store/corrupt-aside.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { legacyEnvHint } from '../legacy-env-hint.ts'
import { modelsJsonNotes } from '../models-json-note.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'
import { renderStatusText } from '../render/status-text.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const json = boolOpt(ctx.parsed, 'json')
  const plain = boolOpt(ctx.parsed, 'plain')
  const check = boolOpt(ctx.parsed, 'check')
  if (json && plain) throw new OpenclawError('usage', '--json and --plain cannot be combined.')
  const probeOpts = parseProbeOptions(ctx.parsed.values)
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    await runtime.activateSecrets()
    for (const line of runtime.diagnostics()) err(ctx, line)
    const now = ctx.clock()
    const report = buildStatusReport(
      runtime.view(),
      now,
      claudeCliStatusInputs(runtime.config, runtime.env.values, now),
    )
    // Legacy files + empty store: the runtime fails closed, so status must say so (auth-spec 5.1).
    const migration = runtime.legacyMigrationRequired()
    if (migration) {
      if (!check) err(ctx, `error: ${migration.message}\n  fix: ${migration.hint ?? 'openclaw doctor --fix'}`)
      // "No credentials" is true but beside the point: the legacy files are what is missing.
      report.check.problems = report.check.problems.filter((p) => p.code !== NO_CREDENTIALS)
      report.check.problems.unshift({
        level: 'error',
        provider: '*',
        message: migration.message,
        fix: 'openclaw doctor --fix',
      })
      report.check.exitCode = 1
    }
    // Earlier stores moved aside as corrupt hold the old credentials: say so on every run
    // (stderr, so cron mail shows it) without changing the exit code, which only speaks about
    // the credentials in use.
    const corrupt = listCorruptAside(runtime.paths.storePath)
    if (!json)
      for (const c of corrupt)
        err(
          ctx,
          `note: a corrupt credential store was moved aside to ${c.path}; it holds the credentials this agent had before. See: openclaw doctor`,
        )
    if (!json)
      for (const note of modelsJsonNotes(runtime.paths.stateDir, runtime.paths.agentDir)) err(ctx, note)
    if (migration && probeOpts) throw migration
    const hint = legacyEnvHint(ctx.env, runtime.paths.stateDir, report)
    if (hint) err(ctx, hint)
    // The probe pulls in the gateway's upstream code, translators and OAuth: load it only when
    // asked, so the cron path (`--check`) stays close to `node -e 0`.
    const probeMod = probeOpts ? await import('../../probe/status-probe.ts') : undefined
    const probes = probeOpts && probeMod ? await probeMod.runStatusProbe(ctx, runtime, probeOpts) : undefined
    if (json) {
      printJson(ctx, {
        configPath: runtime.paths.configPath,
        agentId: runtime.paths.agentId,
        agentDir: runtime.paths.agentDir,
        defaultModel: report.defaultModel,
        resolvedDefault: report.defaultModel,
        fallbacks: report.fallbacks,
        imageModel: null,
        imageFallbacks: [],
        aliases: report.aliases,
        allowed: Object.keys(runtime.config.agents?.defaults?.models ?? {}),
        auth: {
          ...report.auth,
          ...(probes ? { probes } : {}),
          shellEnvFallback: {
            enabled: runtime.config.env?.shellEnv?.enabled === true,
            appliedKeys: runtime.env.shellApplied,
          },
          envFiles: runtime.env.files,
          corruptStores: corrupt.map((c) => ({ path: c.path, movedAt: c.movedAt ?? null })),
        },
        check: report.check,
      })
    } else if (plain) {
      if (report.defaultModel) out(ctx, report.defaultModel)
    } else {
      ctx.io.stdout.write(
        renderStatusText(ctx, report, {
          configPath: runtime.paths.configPath,
          agentDir: runtime.paths.agentDir,
          shellEnv: runtime.config.env?.shellEnv?.enabled === true,
          shellApplied: runtime.env.shellApplied,
          envFiles: runtime.env.files,
          now,
        }),
      )
      if (probes) {
        const { renderProbeSection } = await import('../../probe/render.ts')
        ctx.io.stdout.write(`${renderProbeSection(probes).join('\n')}\n`)
      }
    }
    if (!check) return EXIT.ok
    if (!json)
      for (const p of report.check.problems)
        err(ctx, `${p.level}: ${p.message}${p.fix ? `\n  fix: ${p.fix}` : ''}`)
    return report.check.exitCode
  } finally {
    runtime.close()
  }
}
