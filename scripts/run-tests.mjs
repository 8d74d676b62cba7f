#!/usr/bin/env node
// Runs the build and the whole vitest suite, then the canary scan, then prints the plain
// `N passed, N failed` line CI reads (vitest's own summary is not one CI recognises). A canary
// scan hit counts as a failure in that line and in the exit code.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const report = path.join(root, '.vitest-report.json')
// The canary registry of this run (test/support/cli.ts writes it, scripts/canary-scan.mjs reads it).
const canaryDir = process.env.CANARY_SCAN_DIR ?? path.join(root, '.tmp', 'canaries')

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) {
  console.error('build failed')
  console.log('0 passed, 1 failed')
  process.exit(1)
}
fs.rmSync(report, { force: true })
fs.rmSync(canaryDir, { recursive: true, force: true })
fs.mkdirSync(canaryDir, { recursive: true })
const consoleLog = path.join(canaryDir, 'vitest-output.log')

// Kernel lines that explain a dead worker (segfault, OOM kill); read before and after the run.
const dmesgLines = () => {
  const r = spawnSync('dmesg', [], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.split('\n') : undefined
}
const dmesgBefore = dmesgLines()?.length ?? 0

// vitest's console output (test logs and failure dumps included) is tee'd so the scan reads it.
const tee = fs.createWriteStream(consoleLog)
function runVitest(reportFile, extra) {
  const args = ['run', '--reporter=default', '--reporter=json', `--outputFile=${reportFile}`, ...extra]
  return new Promise((resolve) => {
    let output = ''
    const child = spawn(bin('vitest'), args, {
      cwd: root,
      stdio: ['inherit', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OPENCLAW_TEST_SKIP_BUILD: '1',
        CANARY_SCAN_DIR: canaryDir,
        ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}),
      },
    })
    const onData = (out) => (d) => {
      out.write(d)
      tee.write(d)
      output += d
    }
    child.stdout.on('data', onData(process.stdout))
    child.stderr.on('data', onData(process.stderr))
    child.on('error', (err) => {
      console.error(`could not run vitest: ${err.message}`)
      resolve({ status: 1, output })
    })
    child.on('close', (code) => resolve({ status: code ?? 1, output }))
  })
}

/**
 * Counts of one vitest JSON report. A test file whose worker process died (signal, native
 * crash, OOM) is left in the report as "passed" with its remaining tests "pending" (declared
 * skips are "skipped"); vitest itself only says "Worker exited unexpectedly" without naming the
 * file, so such files are returned by name and their unfinished tests counted apart.
 */
function summarize(reportFile) {
  const data = JSON.parse(fs.readFileSync(reportFile, 'utf8'))
  const all = (data.testResults ?? []).flatMap((f) => f.assertionResults ?? [])
  const dead = []
  for (const file of data.testResults ?? []) {
    const unfinished = (file.assertionResults ?? []).filter((a) => a.status === 'pending')
    if (unfinished.length > 0) dead.push({ file: path.relative(root, file.name), unfinished })
  }
  return {
    passed: data.numPassedTests ?? 0,
    failed: (data.numFailedTests ?? 0) + (data.numRuntimeErrorTestSuites ?? 0),
    skipped: all.filter((a) => a.status === 'skipped' || a.status === 'todo').length,
    unfinished: dead.reduce((n, d) => n + d.unfinished.length, 0),
    dead,
    success: data.success !== false,
  }
}

/** Unhandled errors vitest printed, and how many of them are a dead worker. */
function unhandled(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '')
  const total = Number(/Vitest caught (\d+) unhandled error/.exec(plain)?.[1] ?? 0)
  const workerExits = plain.split('Worker exited unexpectedly').length - 1
  return { total, workerExits }
}

const first = await runVitest(report, process.argv.slice(2))
let status = first.status
let passed = 0
let failed = 0
let skipped = 0
const reports = [report]
try {
  const s = summarize(report)
  passed = s.passed
  failed = s.failed
  skipped = s.skipped
  if (!s.success && failed === 0) failed = 1
  const errs = unhandled(first.output)
  if (s.dead.length > 0) {
    for (const d of s.dead)
      console.error(
        `worker died: ${d.file}: ${d.unfinished.length} test(s) never finished ` +
          `(the first: "${d.unfinished[0].fullName ?? d.unfinished[0].title}")`,
      )
    const kernel = (dmesgLines() ?? [])
      .slice(dmesgBefore)
      .filter((l) => /segfault|oom|killed process|trap|general protection/i.test(l))
    console.error(kernel.length ? `kernel log since the run began:\n${kernel.join('\n')}` : 'kernel log: nothing about it')
    // A dead worker is not a failed assertion: run those files once more, on their own, and let
    // that run decide. Only when every unhandled error was a worker exit; anything else stays red.
    if (failed === 0 && errs.total > 0 && errs.total === errs.workerExits) {
      const rerunReport = path.join(root, '.vitest-report-rerun.json')
      fs.rmSync(rerunReport, { force: true })
      console.error(`re-running ${s.dead.map((d) => d.file).join(', ')} once`)
      const again = await runVitest(rerunReport, s.dead.map((d) => d.file))
      reports.push(rerunReport)
      const r = summarize(rerunReport)
      // The first pass's finished tests of those files are replaced by the rerun's counts.
      const byFile = new Set(s.dead.map((d) => path.join(root, d.file)))
      const data = JSON.parse(fs.readFileSync(report, 'utf8'))
      const passedBefore = (data.testResults ?? [])
        .filter((f) => byFile.has(f.name))
        .flatMap((f) => f.assertionResults ?? [])
        .filter((a) => a.status === 'passed').length
      passed = passed - passedBefore + r.passed
      failed = r.failed + r.unfinished
      if (again.status !== 0 && failed === 0) failed = 1
      if (again.status === 0 && failed === 0) {
        status = 0
        console.error(`re-run passed: ${r.passed} passed; the worker death of the first pass is reported above`)
      }
    } else {
      failed += s.unfinished
    }
  }
} catch {
  failed = Math.max(failed, 1)
}
await new Promise((r) => tee.end(r))
// vitest's exit code also covers unhandled errors outside any test; the line must not say 0 failed then.
if (status !== 0 && failed === 0) {
  console.error(`vitest exited with code ${status} although every reported test passed (see the unhandled error above)`)
  failed = 1
}

// Canary scan: every hit is one failure; a scan that cannot run is one failure.
const summaryFile = path.join(canaryDir, 'scan-summary.json')
const scan = spawnSync(
  process.execPath,
  [
    path.join(root, 'scripts', 'canary-scan.mjs'),
    '--dir',
    canaryDir,
    '--extra',
    consoleLog,
    ...reports.flatMap((r) => ['--extra', r]),
    '--summary',
    summaryFile,
  ],
  { cwd: root, stdio: 'inherit' },
)
let leaks = 0
try {
  leaks = JSON.parse(fs.readFileSync(summaryFile, 'utf8')).hits
} catch {
  leaks = 1
}
if (scan.status !== 0) leaks = Math.max(leaks, 1)
failed += leaks

const code = status === 0 && failed === 0 && passed > 0 ? 0 : 1
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(code)
