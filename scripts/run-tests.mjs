#!/usr/bin/env node
// Runs the build and the whole vitest suite, then prints the plain `N passed, N failed` line
// CI reads (vitest's own summary is not one CI recognises). Exit code follows the suite.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const report = path.join(root, '.vitest-report.json')

const build = spawnSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) {
  console.error('build failed')
  console.log('0 passed, 1 failed')
  process.exit(1)
}
fs.rmSync(report, { force: true })
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)]
const res = spawnSync(bin('vitest'), args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, OPENCLAW_TEST_SKIP_BUILD: '1' },
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
const code = res.status === 0 && failed === 0 && passed > 0 ? 0 : 1
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(code)
