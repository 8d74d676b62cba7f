/**
 * `openclaw secrets audit [--check] [--json] [--allow-exec]`: plaintext residue, shadowed refs
 * and unresolved refs across every agent store, openclaw.json and the `.env` files. Exec refs
 * run only with --allow-exec (auditing must not execute configured programs by surprise).
 * Exit: 0 unless --check; with --check 0 clean, 1 findings, 2 unresolved refs.
 */
import path from 'node:path'
import { EXIT } from '../../errors.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { auditExitCode, runAudit } from '../../secrets/audit.ts'
import { readAgentStores, readDotenvFiles } from '../../secrets/audit-inputs.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const check = boolOpt(ctx.parsed, 'check')
  const allowExec = boolOpt(ctx.parsed, 'allow-exec')
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const stores = readAgentStores(runtime)
    const envFiles = [runtime.paths.envFilePath, path.resolve(ctx.cwd, '.env')]
    const report = await runAudit({
      config: runtime.config,
      rawConfig: runtime.loaded.raw,
      configPath: runtime.paths.configPath,
      env: runtime.env.values,
      stores,
      dotenv: readDotenvFiles(envFiles),
      allowExec,
    })
    const exitCode = auditExitCode(report)
    if (boolOpt(ctx.parsed, 'json')) {
      printJson(ctx, {
        ...report,
        status: exitCode === 0 ? 'clean' : exitCode === 1 ? 'findings' : 'unresolved',
        checked: {
          configPath: runtime.paths.configPath,
          stores: stores.map((s) => s.storePath),
          envFiles: [...new Set(envFiles)],
          execProviders: allowExec,
        },
      })
    } else {
      for (const f of report.findings) out(ctx, `${f.code.padEnd(16)} ${f.message}`)
      const s = report.summary
      const blocking = report.findings.filter((f) => f.severity !== 'info').length
      out(
        ctx,
        blocking === 0
          ? `secrets audit: clean (${s.refsChecked} ref(s) resolved${s.notChecked ? `, ${s.notChecked} not checked` : ''})`
          : `secrets audit: ${blocking} finding(s): ${s.plaintext} plaintext, ${s.shadowed} shadowed, ${s.unresolved} unresolved`,
      )
      if (s.notChecked > 0)
        err(ctx, 'note: exec refs were not checked; run with --allow-exec to execute exec providers')
    }
    return check ? exitCode : EXIT.ok
  } finally {
    runtime.close()
  }
}
