/**
 * Builds `dist/` (and the CLI bundle) once per test run so end-to-end tests spawn the real `openclaw` binary
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
  const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    encoding: 'utf8',
  })
  for (const f of ['dist/cli/main.js', 'dist/bundle/main.cjs']) {
    if (!fs.existsSync(path.join(root, f)))
      throw new Error(`build produced no ${f}:\n${res.stdout}\n${res.stderr}`)
  }
}
