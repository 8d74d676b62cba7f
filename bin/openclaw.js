#!/usr/bin/env node
// Thin launcher, CommonJS on purpose (bin/package.json): an ES module entry makes Node start its
// ESM loader, which every CLI run would pay. It runs the CLI bundle in dist/bundle/ (built by
// `npm ci` via the prepare script, see scripts/build.mjs) with a V8 code cache for it
// (src/cli/compile-cache.ts; OPENCLAW_COMPILE_CACHE=0 turns it off); when only `tsc` has run,
// the unbundled ES modules in dist/cli/ serve instead.
'use strict'
const path = require('node:path')

const root = path.join(__dirname, '..')
const missing = (err, file) => err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(file)

if (process.env.OPENCLAW_COMPILE_CACHE !== '0') {
  try {
    const cache = require('../dist/bundle/compile-cache.cjs')
    const location = cache.defaultCompileCacheDir(process.env)
    const roots = [path.join(root, 'dist', 'bundle'), path.join(root, 'node_modules')]
    // Long-running commands (the gateway) write theirs after a while, not only at exit.
    if (location) cache.installCompileCache({ roots, location, writeAfterMs: 10_000 })
  } catch (err) {
    if (!missing(err, 'compile-cache.cjs')) throw err
  }
}
// The bundle is loaded on the next turn of the event loop: a starting gateway must never block
// the loop long, and Node's start-up plus this file plus the bundle's entry are one stretch.
const load = () => {
  try {
    return require('../dist/bundle/main.cjs')
  } catch (err) {
    if (!missing(err, 'main.cjs')) throw err
    return import('../dist/cli/main.js')
  }
}
new Promise((resolve) => setImmediate(resolve))
  .then(load)
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code
  })
