/**
 * Code-unit string order for sorting ids. localeCompare would do, but its first call loads
 * ICU collation data (~20 ms), which every CLI start paid; ids are ASCII, so nothing is lost.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
