/**
 * CPU profiles (`node --cpu-prof`) taken only where a target was missed, summarised by self time.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { blockingStretches, summarizeProfile } from './cpuprofile.mjs'
import { startGateway } from './other-scenarios.mjs'
import { BIN, childEnv, REALISTIC_ENV, ROOT, writeRealisticState } from './setup.mjs'

const profFiles = (dir) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))

function profDir(ctx, label) {
  const dir = path.join(ctx.tmp, `prof-${label}`)
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

/** The gateway under a load (`run(target)`), profiled from start to a clean SIGTERM exit. */
export async function profileGateway(
  ctx,
  label,
  run,
  { stateDir, extraEnv = REALISTIC_ENV, stretches = false } = {},
) {
  const dir = profDir(ctx, label)
  let state = stateDir
  if (!state) {
    state = path.join(ctx.tmp, `prof-state-${label}`)
    await writeRealisticState(state, ctx.mock.url)
  }
  const gw = await startGateway(ctx, state, {
    extraEnv,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250'],
    cpus: ctx.hasPinning ? '0' : undefined,
  })
  let note
  try {
    note = await run(gw)
  } finally {
    await gw.stop('SIGTERM', 15_000)
  }
  const files = profFiles(dir)
  if (files.length === 0)
    return { label, ok: false, reason: 'no .cpuprofile written (the gateway did not exit cleanly)' }
  const summary = summarizeProfile(files, { root: ROOT })
  return {
    label,
    ok: true,
    note,
    files,
    summary,
    ...(stretches ? { stretches: blockingStretches(files[0], { root: ROOT }) } : {}),
  }
}

/** Several `openclaw models status --check` runs, profiled and summed. */
export function profileCli(ctx, runs = 5) {
  const dir = profDir(ctx, 'cli')
  const env = childEnv(ctx.home, ctx.cliState ?? ctx.mainState, REALISTIC_ENV)
  for (let i = 0; i < runs; i++) {
    spawnSync(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100', BIN, 'models', 'status', '--check'],
      { env, cwd: ctx.home, stdio: 'ignore', timeout: 30_000 },
    )
  }
  const files = profFiles(dir)
  if (files.length === 0) return { label: 'cli', ok: false, reason: 'no .cpuprofile written' }
  return {
    label: 'cli',
    ok: true,
    note: `${files.length} runs summed`,
    files,
    summary: summarizeProfile(files, { root: ROOT }),
  }
}
