/**
 * `openclaw doctor [--json] [--deep] [--non-interactive] [--yes] [--fix] [--allow-exec]
 * [--agent <id>]`: gather state (I/O), derive findings (pure), optionally apply fixes and
 * migrations, gather again, report. Exit 1 while an error-level finding remains, else 0.
 * `--json` prints { findings, fixed, migrations }.
 */

import { applyFixes, type FixResult } from '../../doctor/apply-fixes.ts'
import { computeFindings, doctorExitCode } from '../../doctor/findings.ts'
import { type GatherOptions, gatherDoctorState } from '../../doctor/gather.ts'
import { renderDoctor } from '../../doctor/render.ts'
import { OpenclawError } from '../../errors.ts'
import { confirm } from '../confirm.ts'
import { type CommandContext, err, paint, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const json = boolOpt(ctx.parsed, 'json')
  const fix = boolOpt(ctx.parsed, 'fix')
  const yes = boolOpt(ctx.parsed, 'yes')
  const nonInteractive = boolOpt(ctx.parsed, 'non-interactive')
  const agent = stringOpt(ctx.parsed, 'agent')
  // Nix-managed installs are immutable: repairs belong in the Nix expression (auth-spec 5.5).
  if ((fix || yes) && ctx.env.OPENCLAW_NIX_MODE === '1') {
    throw new OpenclawError('usage', '--fix and --yes are disabled in Nix mode (OPENCLAW_NIX_MODE=1).', {
      hint: 'Run openclaw doctor without --fix and apply the changes in your Nix configuration.',
    })
  }
  const gatherOpts: GatherOptions = {
    env: ctx.env,
    cwd: ctx.cwd,
    now: ctx.clock(),
    deep: boolOpt(ctx.parsed, 'deep'),
    allowExec: boolOpt(ctx.parsed, 'allow-exec'),
    ...(agent !== undefined ? { agent } : {}),
  }
  let gathered = await gatherDoctorState(gatherOpts)
  let result: FixResult | undefined
  if (fix) {
    const clawdbot = gathered.state.legacy.clawdbot
    let importClawdbot = yes
    if (clawdbot && !yes && !nonInteractive && ctx.io.stdin.isTTY) {
      importClawdbot = await confirm(
        ctx,
        `Import credentials from ${clawdbot.dir} into ${gathered.state.stateDir}? [y/N] `,
      )
    }
    if (!json && ctx.io.stderr.isTTY) err(ctx, 'Applying fixes and migrations...')
    result = await applyFixes(gathered, { env: ctx.env, now: ctx.clock(), importClawdbot })
    gathered = await gatherDoctorState({ ...gatherOpts, now: ctx.clock() })
  }
  const findings = computeFindings(gathered.state)
  if (json) {
    printJson(ctx, { findings, fixed: result?.fixed ?? [], migrations: result?.migrations ?? [] })
  } else {
    const style = (level: string, s: string) =>
      paint(ctx, 'stdout', level === 'error' ? 'red' : level === 'warning' ? 'yellow' : 'dim', s)
    ctx.io.stdout.write(
      renderDoctor(
        { findings, ...(result ? { fixed: result.fixed, migrations: result.migrations } : {}), fixRan: fix },
        style,
      ),
    )
  }
  return doctorExitCode(findings)
}
