#!/usr/bin/env node
// Thin launcher, CommonJS on purpose (bin/package.json): an ES module entry makes Node start its
// ESM loader, which every CLI run would pay. It runs the CLI bundle in dist/bundle/ (built by
// `npm ci` via the prepare script, see scripts/build.mjs); when only `tsc` has run, the
// unbundled ES modules in dist/cli/ serve instead.
'use strict'

let bundle
try {
  bundle = require('../dist/bundle/main.cjs')
} catch (err) {
  if (err?.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes('main.cjs')) throw err
}
const cli = bundle ? Promise.resolve(bundle) : import('../dist/cli/main.js')
cli
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code
  })
