/** Small statistics and formatting helpers for the report. */

export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function mean(xs) {
  const s = xs.filter((x) => Number.isFinite(x))
  return s.length ? s.reduce((a, b) => a + b, 0) / s.length : Number.NaN
}

/** Median with min and max over rounds. */
export function spread(xs) {
  const s = xs.filter((x) => Number.isFinite(x))
  return {
    med: median(s),
    min: s.length ? Math.min(...s) : Number.NaN,
    max: s.length ? Math.max(...s) : Number.NaN,
    n: s.length,
  }
}

export function fmtNum(x, digits = 2) {
  if (x === undefined || x === null || Number.isNaN(x)) return 'n/a'
  if (!Number.isFinite(x)) return String(x)
  const abs = Math.abs(x)
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US')
  if (abs >= 100) return x.toFixed(Math.max(0, digits - 2))
  if (abs >= 10) return x.toFixed(Math.max(0, digits - 1))
  return x.toFixed(digits)
}

/** "median (min–max)" of a spread. */
export function fmtSpread(sp, digits = 2, unit = '') {
  if (!sp || sp.n === 0 || Number.isNaN(sp.med)) return 'n/a'
  if (sp.n === 1 || sp.min === sp.max) return `${fmtNum(sp.med, digits)}${unit}`
  return `${fmtNum(sp.med, digits)}${unit} (${fmtNum(sp.min, digits)}–${fmtNum(sp.max, digits)})`
}
