/**
 * Builds `dist/` once per test run so end-to-end tests spawn the real `openclaw` binary
 * (compiled JS, as users run it). tsc emits even with type errors; the typecheck gate is
 * separate (`npm run typecheck` in .ci/run), so a WIP type error never hides unit results.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export default function setup(): void {
  if (process.env.OPENCLAW_TEST_SKIP_BUILD === '1') return
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc')
  const res = spawnSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' })
  if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    throw new Error(`build produced no dist/cli/main.js:\n${res.stdout}\n${res.stderr}`)
  }
}
