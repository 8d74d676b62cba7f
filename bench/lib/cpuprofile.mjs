/**
 * Reads a V8 .cpuprofile (written by `node --cpu-prof`) and sums self time per function and per
 * source file, so the report can say where a missed target's time goes.
 */
import fs from 'node:fs'
import path from 'node:path'

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)'])

function shortUrl(url, root) {
  if (!url) return ''
  let u = url.replace(/^file:\/\//, '')
  if (root && u.startsWith(root)) u = path.relative(root, u)
  return u
}

/**
 * Returns { totalMs, busyMs, idleMs, gcMs, programMs, functions: [{name, where, selfMs, pct}],
 * files: [{file, selfMs, pct}], groups, inclusive: [{name, where, totalMs, pct}] }; pct is a
 * share of busy time (everything but idle).
 */
export function summarizeProfile(fileOrFiles, { root, top = 15 } = {}) {
  // Several profiles (e.g. repeated CLI runs) are summed as if they were one.
  const selfByFrame = new Map()
  // Inclusive time of the project's own functions (dist/): where the request path spends it.
  const inclusive = new Map()
  for (const file of [fileOrFiles].flat()) {
    const prof = JSON.parse(fs.readFileSync(file, 'utf8'))
    const byId = new Map(prof.nodes.map((n) => [n.id, n]))
    const parent = new Map()
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
    const deltas = prof.timeDeltas ?? []
    for (let i = 0; i < prof.samples.length; i++) {
      const n = byId.get(prof.samples[i])
      // The delta *after* a sample is the time attributed to it (as DevTools does).
      const dt = Math.max(0, deltas[i + 1] ?? 0)
      const cf = n.callFrame
      const key = `${cf.functionName}\u0000${cf.url}\u0000${cf.lineNumber}`
      const cur = selfByFrame.get(key)
      if (cur) cur.us += dt
      else selfByFrame.set(key, { callFrame: cf, us: dt })
      const seen = new Set()
      for (let id = n.id; id !== undefined; id = parent.get(id)) {
        const f = byId.get(id).callFrame
        if (!f.url.includes('/dist/')) continue
        const k = `${f.functionName || '(anonymous)'}\u0000${shortUrl(f.url, root)}:${f.lineNumber + 1}`
        if (seen.has(k)) continue
        seen.add(k)
        inclusive.set(k, (inclusive.get(k) ?? 0) + dt)
      }
    }
  }
  const fn = new Map()
  const files = new Map()
  let total = 0
  let idle = 0
  let gc = 0
  let program = 0
  for (const { callFrame, us } of selfByFrame.values()) {
    const n = { callFrame }
    total += us
    const name = n.callFrame.functionName || '(anonymous)'
    if (name === '(idle)') idle += us
    if (name === '(garbage collector)') gc += us
    if (name === '(program)') program += us
    if (SPECIAL.has(name) && name !== '(garbage collector)' && name !== '(program)') continue
    const where = n.callFrame.url
      ? `${shortUrl(n.callFrame.url, root)}:${n.callFrame.lineNumber + 1}`
      : SPECIAL.has(name)
        ? ''
        : '(native)'
    const key = `${name}\u0000${where}`
    fn.set(key, (fn.get(key) ?? 0) + us)
    const f = n.callFrame.url
      ? shortUrl(n.callFrame.url, root)
      : SPECIAL.has(name)
        ? name
        : '(native/builtin)'
    files.set(f, (files.get(f) ?? 0) + us)
  }
  const busy = total - idle
  const pct = (us) => (busy > 0 ? (100 * us) / busy : 0)
  const functions = [...fn]
    .map(([k, us]) => {
      const [name, where] = k.split('\u0000')
      return { name, where, selfMs: us / 1000, pct: pct(us) }
    })
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
  const allFiles = [...files]
    .map(([f, us]) => ({ file: f, selfMs: us / 1000, pct: pct(us) }))
    .sort((a, b) => b.selfMs - a.selfMs)
  const fileList = allFiles.slice(0, top)
  const inclusiveTop = [...inclusive]
    .map(([k, us]) => {
      const [name, where] = k.split('\u0000')
      return { name, where, totalMs: us / 1000, pct: pct(us) }
    })
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top)
  return {
    inclusive: inclusiveTop,
    totalMs: total / 1000,
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    gcMs: gc / 1000,
    programMs: program / 1000,
    functions,
    files: fileList,
    groups: groupShares(allFiles),
  }
}

/** Sums self time of the project's own code (dist/) against node internals and the rest. */
function groupShares(files) {
  const groups = {
    'openclaw (dist/)': 0,
    'node internals (JS)': 0,
    'native (syscalls, builtins)': 0,
    'GC + program': 0,
    dependencies: 0,
  }
  for (const f of files) {
    if (f.file.startsWith('dist/')) groups['openclaw (dist/)'] += f.pct
    else if (f.file.startsWith('node:')) groups['node internals (JS)'] += f.pct
    else if (f.file === '(native/builtin)') groups['native (syscalls, builtins)'] += f.pct
    else if (f.file.startsWith('(')) groups['GC + program'] += f.pct
    else groups.dependencies += f.pct
  }
  return groups
}

/**
 * The longest stretches of a profile without an (idle) sample: the event loop was blocked for
 * that long. For each, the functions with the most samples anywhere on the stack (inclusive),
 * so a report can say *what* blocked it.
 */
export function blockingStretches(file, { root, count = 3, top = 8 } = {}) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'))
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const deltas = prof.timeDeltas ?? []
  const stretches = []
  let cur
  let t = 0
  for (let i = 0; i < prof.samples.length; i++) {
    t += deltas[i] ?? 0
    const dt = Math.max(0, deltas[i + 1] ?? 0)
    const n = byId.get(prof.samples[i])
    if (n.callFrame.functionName === '(idle)') {
      if (cur) stretches.push(cur)
      cur = undefined
      continue
    }
    cur ??= { startUs: t, us: 0, samples: [] }
    cur.us += dt
    cur.samples.push({ id: n.id, dt })
  }
  if (cur) stretches.push(cur)
  stretches.sort((a, b) => b.us - a.us)
  return stretches.slice(0, count).map((s) => {
    const incl = new Map()
    for (const { id, dt } of s.samples) {
      const seen = new Set()
      for (let x = id; x !== undefined; x = parent.get(x)) {
        const f = byId.get(x).callFrame
        if (!f.url) continue
        const k = `${f.functionName || '(anonymous)'}\u0000${shortUrl(f.url, root)}:${f.lineNumber + 1}`
        if (seen.has(k)) continue
        seen.add(k)
        incl.set(k, (incl.get(k) ?? 0) + dt)
      }
    }
    const frames = [...incl]
      .map(([k, us]) => {
        const [name, where] = k.split('\u0000')
        return { name, where, ms: us / 1000, share: us / Math.max(1, s.us) }
      })
      .filter((f) => f.share < 0.999)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
    return { startMs: s.startUs / 1000, durationMs: s.us / 1000, frames }
  })
}
