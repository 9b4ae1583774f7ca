// Plain-language sentences under each number, so a reader does not have to know what an L2 distance to
// a uniform distribution is to understand "59% round against an ideal 50%".

import type { StatusCounts } from './report-model'

export function fmt(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits)
}

export function pct(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : `${Math.round(x * 100)}%`
}

function interval(low: number | null, high: number | null, format: (x: number | null) => string = fmt): string {
  return low === null || high === null ? '[no interval]' : `[${format(low)}, ${format(high)}]`
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** The class furthest from its ideal share, which is what a reader should be told about. */
export function mostOffClass(classes: readonly string[], shares: readonly number[], ideal: readonly number[]): number {
  let best = 0
  for (let i = 1; i < classes.length; i++) {
    if (Math.abs(shares[i] - ideal[i]) > Math.abs(shares[best] - ideal[best])) best = i
  }
  return best
}

export function discrepancySentence(a: {
  axis: string
  value: number | null
  low: number | null
  high: number | null
  n: number
  classes: readonly string[]
  shares: readonly number[]
  ideal: readonly number[]
}): string {
  if (a.value === null) return `axis ${a.axis} discrepancy: no image was classified on this axis, so there is nothing to measure`
  const k = mostOffClass(a.classes, a.shares, a.ideal)
  return `axis ${a.axis} discrepancy ${fmt(a.value)} ${interval(a.low, a.high)}: ` + `${pct(a.shares[k])} ${a.classes[k]} against an ideal ${pct(a.ideal[k])} (${plural(a.n, 'classified image')})`
}

export function shareSentence(a: { axis: string; cls: string; value: number | null; low: number | null; high: number | null; n: number; ideal: number }): string {
  if (a.value === null) return `axis ${a.axis}, class ${a.cls}: no classified image to count`
  return `${pct(a.value)} ${interval(a.low, a.high, pct)} of ${plural(a.n, 'classified image')} are ${a.cls} on axis ${a.axis}, against an ideal ${pct(a.ideal)}`
}

export function recallSentence(a: { scope: string; value: number | null; low: number | null; high: number | null; n: number }): string {
  if (a.value === null) return `${a.scope} recall: no classified image from a prompt asking for a class`
  return `${a.scope} recall ${fmt(a.value)} ${interval(a.low, a.high)}: ${pct(a.value)} of ${plural(a.n, 'classified image')} show what their prompt asked for`
}

export function coverageSentence(a: { value: number | null; low: number | null; high: number | null; total: number; counts: StatusCounts }): string {
  if (a.total === 0) return 'coverage: no images'
  const c = a.counts
  return (
    `coverage ${fmt(a.value)} ${interval(a.low, a.high)}: ${c.ok} of ${plural(a.total, 'image')} classified; ` +
    `${c.no_detection} without detection, ${c.low_confidence} low confidence, ${plural(c.error, 'error')} (all excluded from the discrepancy)`
  )
}

export function conceptSentence(a: { value: number | null; low: number | null; high: number | null; n: number }): string {
  if (a.value === null) return 'concept accuracy: no image has a concept verdict'
  return `concept accuracy ${fmt(a.value)} ${interval(a.low, a.high)}: ${pct(a.value)} of ${plural(a.n, 'image')} show the concept their prompt names`
}

export function frechetSentence(a: { reference: string; value: number | null; low: number | null; high: number | null; n: number }): string {
  if (a.value === null) return `Frechet distance to ${a.reference}: fewer than 2 images with classifier features`
  return (
    `Frechet distance to ${a.reference} ${fmt(a.value, 3)} ${interval(a.low, a.high, (x) => fmt(x, 3))} over the classifier features of ${plural(a.n, 'image')} ` +
    `(0 means the same feature distribution; lower is closer). A secondary figure: the reference is fair, so a model that only became fairer moves closer without drawing any better`
  )
}

export function fidelitySentence(a: { space: 'pixels' | 'features'; reference: string; value: number | null; low: number | null; high: number | null; n: number }): string {
  const name = a.space === 'pixels' ? 'image fidelity gap (pixel statistics)' : 'image fidelity gap (classifier features)'
  if (a.value === null) return `${name}: fewer than 2 images with a matched clean reference`
  return (
    `${name} ${fmt(a.value, 2)} ${interval(a.low, a.high, (x) => fmt(x, 2))} over ${plural(a.n, 'image')}, each against ${a.reference} ` +
    `(about 0 = drawn as cleanly as the references; higher is worse; the attribute mix cannot move it)`
  )
}
