#!/usr/bin/env node
/**
 * Where the gateway spends more than the bare proxy, per request: self time of every function
 * in two V8 profiles (from `node bench/cpu-per-request.mjs --cpu-prof <dir>`), each divided by
 * the requests that process served, sorted by the difference. Profiling inflates every figure
 * alike; read the ranking and the ratios, not the absolute microseconds.
 * Usage: node bench/profile-diff.mjs <bare.cpuprofile> <bare requests> <gateway.cpuprofile> <gateway requests> [--top N]
 */
import fs from 'node:fs'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '40' } },
})
const [fileA, nA, fileB, nB] = positionals
if (!fileB) {
  console.error(
    'usage: profile-diff.mjs <bare.cpuprofile> <requests> <gateway.cpuprofile> <requests> [--top N]',
  )
  process.exit(64)
}

function selfTimes(file) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'))
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const out = new Map()
  for (let i = 0; i < prof.samples.length; i++) {
    const cf = byId.get(prof.samples[i]).callFrame
    if (cf.functionName === '(idle)') continue
    const where = cf.url.replace(/^.*\/(dist|node_modules)\//, '$1/')
    const key = `${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber}`
    out.set(key, (out.get(key) ?? 0) + Math.max(0, prof.timeDeltas[i + 1] ?? 0))
  }
  return out
}

const a = selfTimes(fileA)
const b = selfTimes(fileB)
const group = (k) =>
  k.includes('dist/')
    ? 'openclaw'
    : k.includes('node_modules/')
      ? 'dependencies'
      : k.includes(' node:')
        ? 'node (JS)'
        : 'native, GC, other'
const rows = [...new Set([...a.keys(), ...b.keys()])].map((k) => ({
  k,
  a: (a.get(k) ?? 0) / Number(nA),
  b: (b.get(k) ?? 0) / Number(nB),
}))
const groups = new Map()
for (const r of rows) {
  const g = groups.get(group(r.k)) ?? { a: 0, b: 0 }
  g.a += r.a
  g.b += r.b
  groups.set(group(r.k), g)
}
const f = (x) => x.toFixed(2).padStart(8)
console.log('µs per request (profiled)      bare  gateway     diff')
for (const [g, v] of groups) console.log(`${g.padEnd(26)}${f(v.a)}${f(v.b)}${f(v.b - v.a)}`)
console.log(`\n${'diff'.padStart(8)}${'bare'.padStart(8)}${'gateway'.padStart(8)}  function`)
rows.sort((x, y) => y.b - y.a - (x.b - x.a))
for (const r of rows.slice(0, Number(values.top))) console.log(`${f(r.b - r.a)}${f(r.a)}${f(r.b)}  ${r.k}`)
