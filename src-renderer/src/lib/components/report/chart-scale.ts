// Shared geometry of the report charts: a linear scale from 0 to a rounded maximum, and the
// Okabe-Ito colours the exported HTML also uses, so the app and the file look alike.
export const CLASS_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999']

export function classColour(index: number): string {
  return CLASS_COLOURS[index % CLASS_COLOURS.length]
}

/** Upper end of an axis starting at 0 that covers `max` (at least `floor`), rounded up to a tenth. */
export function niceMax(max: number, floor = 0.1): number {
  return Math.max(floor, Math.ceil(Math.max(0, max) * 10) / 10)
}

export function fmt(v: number | null, digits = 2): string {
  return v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits)
}

export function ci(low: number | null, high: number | null): string {
  return low === null || high === null ? '' : ` [${fmt(low)}, ${fmt(high)}]`
}
