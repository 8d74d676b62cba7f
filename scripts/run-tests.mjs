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

// vitest's console output (test logs and failure dumps included) is tee'd so the scan reads it.
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)]
const status = await new Promise((resolve) => {
  const tee = fs.createWriteStream(consoleLog)
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
  child.stdout.on('data', (d) => {
    process.stdout.write(d)
    tee.write(d)
  })
  child.stderr.on('data', (d) => {
    process.stderr.write(d)
    tee.write(d)
  })
  child.on('error', (err) => {
    console.error(`could not run vitest: ${err.message}`)
    tee.end(() => resolve(1))
  })
  child.on('close', (code) => tee.end(() => resolve(code ?? 1)))
})

let passed = 0
let failed = 0
let skipped = 0
try {
  const data = JSON.parse(fs.readFileSync(report, 'utf8'))
  passed = data.numPassedTests ?? 0
  failed = (data.numFailedTests ?? 0) + (data.numRuntimeErrorTestSuites ?? 0)
  skipped = (data.numPendingTests ?? 0) + (data.numTodoTests ?? 0)
  if (data.success === false && failed === 0) failed = 1
} catch {
  failed = Math.max(failed, 1)
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
    '--extra',
    report,
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
