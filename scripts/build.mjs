#!/usr/bin/env node
/**
 * The build: `tsc` compiles src/ to dist/ (the library entry and every module, as tests and
 * workers import them), then rolldown bundles the CLI into dist/bundle/ as CommonJS (the entry
 * plus one chunk per lazily loaded command). bin/openclaw.js (CommonJS too, see bin/package.json)
 * runs the bundle. Both choices are about start-up: loading ~30 separate ES modules cost a
 * `models status --check` about 30 ms, and an ES module entry alone makes Node load its ESM
 * loader and resolve every module by URL (another ~30 ms of CPU on this 2-core box).
 * Usage: node scripts/build.mjs [--no-tsc]
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export async function build({ tsc = true } = {}) {
  if (tsc) {
    const res = spawnSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    })
    if (res.status !== 0) return false
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  const deps = Object.keys(pkg.dependencies ?? {})
  const { build: bundle } = await import('rolldown')
  const out = path.join(root, 'dist', 'bundle')
  fs.rmSync(out, { recursive: true, force: true })
  await bundle({
    input: {
      main: path.join(root, 'dist', 'cli', 'main.js'),
      // Loaded by the launcher before the bundle: it must not share chunks with it.
      'compile-cache': path.join(root, 'dist', 'cli', 'compile-cache.js'),
    },
    platform: 'node',
    // Dependencies stay packages (better-sqlite3 is native); only our own code is bundled.
    external: [...deps, ...builtinModules, /^node:/, ...deps.map((d) => new RegExp(`^${d}/`))],
    logLevel: 'warn',
    output: {
      dir: out,
      format: 'cjs',
      sourcemap: true,
      entryFileNames: '[name].cjs',
      chunkFileNames: '[name]-[hash].cjs',
    },
  })
  return fs.existsSync(path.join(out, 'main.cjs')) && fs.existsSync(path.join(out, 'compile-cache.cjs'))
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ok = await build({ tsc: !process.argv.includes('--no-tsc') })
  if (!ok) {
    console.error('build failed')
    process.exit(1)
  }
}
