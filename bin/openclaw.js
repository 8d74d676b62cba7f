#!/usr/bin/env node
// Thin launcher: the CLI bundle lives in dist/bundle/ (built by `npm ci` via the prepare script;
// see scripts/build.mjs). The unbundled dist/cli/ serves when only `tsc` has run.
let cli
try {
  cli = await import('../dist/bundle/main.js')
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/bundle/main.js')) throw err
  cli = await import('../dist/cli/main.js')
}
process.exitCode = await cli.main(process.argv.slice(2))
