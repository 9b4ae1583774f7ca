// Inline SVG charts for the HTML export: values with 95% interval whiskers, and stacked class shares
// (one bar per model, so "before" and "after" sit on top of each other). Every label is escaped.

import { escapeHtml } from '../../../formats/encode'
import { fmt, pct } from '../figures/sentences'

/** Okabe-Ito, distinguishable with the common colour-vision deficiencies; grey repeats after 8. */
export const CLASS_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999']

export function classColour(index: number): string {
  return CLASS_COLOURS[index % CLASS_COLOURS.length]
}

const LABEL_W = 220
const PLOT_W = 380
const ROW_H = 22
const TOP = 28
const BOTTOM = 24

function truncate(text: string, max = 34): string {
  return text.length > max ? `${text.slice(0, max - 1)}\u2026` : text
}

export interface CiItem {
  label: string
  value: number | null
  low: number | null
  high: number | null
}

/** Horizontal bars with interval whiskers; the scale starts at 0 and covers every upper bound. */
export function ciChart(title: string, items: readonly CiItem[]): string {
  let max = 0
  for (const it of items) max = Math.max(max, it.value ?? 0, it.high ?? 0)
  max = max <= 0 ? 1 : Math.ceil(max * 10) / 10
  const width = LABEL_W + PLOT_W + 70
  const height = TOP + items.length * ROW_H + BOTTOM
  const x = (v: number): number => LABEL_W + (v / max) * PLOT_W
  const parts: string[] = [
    `<svg class="chart ci-chart" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<text x="0" y="16" class="chart-title">${escapeHtml(title)}</text>`
  ]
  items.forEach((it, i) => {
    const y = TOP + i * ROW_H
    parts.push(`<text x="${LABEL_W - 6}" y="${y + 15}" text-anchor="end" class="label">${escapeHtml(truncate(it.label))}<title>${escapeHtml(it.label)}</title></text>`)
    if (it.value === null) {
      parts.push(`<text x="${LABEL_W + 4}" y="${y + 15}" class="na">n/a</text>`)
      return
    }
    parts.push(
      `<rect class="bar" x="${LABEL_W}" y="${y + 4}" width="${Math.max(1, x(it.value) - LABEL_W).toFixed(1)}" height="${ROW_H - 8}" fill="#4C78A8"><title>${escapeHtml(`${it.label}: ${fmt(it.value, 3)} [${fmt(it.low, 3)}, ${fmt(it.high, 3)}]`)}</title></rect>`
    )
    if (it.low !== null && it.high !== null) {
      const mid = y + ROW_H / 2
      parts.push(
        `<g class="whisker" stroke="#222" stroke-width="1.5"><line x1="${x(it.low).toFixed(1)}" y1="${mid}" x2="${x(it.high).toFixed(1)}" y2="${mid}"/>` +
          `<line x1="${x(it.low).toFixed(1)}" y1="${mid - 5}" x2="${x(it.low).toFixed(1)}" y2="${mid + 5}"/>` +
          `<line x1="${x(it.high).toFixed(1)}" y1="${mid - 5}" x2="${x(it.high).toFixed(1)}" y2="${mid + 5}"/></g>`
      )
    }
    parts.push(`<text x="${(Math.max(x(it.value), x(it.high ?? it.value)) + 6).toFixed(1)}" y="${y + 15}" class="value">${fmt(it.value)}</text>`)
  })
  const axisY = TOP + items.length * ROW_H + 4
  parts.push(`<line x1="${LABEL_W}" y1="${axisY}" x2="${LABEL_W + PLOT_W}" y2="${axisY}" stroke="#888"/>`)
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4
    parts.push(`<text x="${x(v).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" class="tick">${fmt(v)}</text>`)
  }
  parts.push('</svg>')
  return parts.join('')
}

export interface ShareRow {
  label: string
  /** Share per class in class order; null when nothing was classified for this row. */
  shares: readonly number[] | null
}

/** One stacked bar per row over [0, 1], with a legend; the ideal is drawn as the first row. */
export function shareChart(title: string, classes: readonly string[], ideal: readonly number[], rows: readonly ShareRow[]): string {
  const all: ShareRow[] = [{ label: 'ideal', shares: ideal }, ...rows]
  const legendRows = Math.ceil(classes.length / 4)
  const width = LABEL_W + PLOT_W + 20
  const height = TOP + all.length * ROW_H + 8 + legendRows * 18
  const parts: string[] = [
    `<svg class="chart share-chart" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<text x="0" y="16" class="chart-title">${escapeHtml(title)}</text>`
  ]
  all.forEach((row, i) => {
    const y = TOP + i * ROW_H
    parts.push(`<text x="${LABEL_W - 6}" y="${y + 15}" text-anchor="end" class="label">${escapeHtml(truncate(row.label))}<title>${escapeHtml(row.label)}</title></text>`)
    if (!row.shares) {
      parts.push(`<text x="${LABEL_W + 4}" y="${y + 15}" class="na">no classified image</text>`)
      return
    }
    let acc = 0
    row.shares.forEach((share, k) => {
      if (!(share > 0)) return
      const w = share * PLOT_W
      parts.push(
        `<rect class="share" x="${(LABEL_W + acc).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 6}" fill="${classColour(k)}"><title>${escapeHtml(`${row.label}: ${classes[k]} ${pct(share)}`)}</title></rect>`
      )
      acc += w
    })
  })
  const legendTop = TOP + all.length * ROW_H + 8
  classes.forEach((cls, k) => {
    const lx = LABEL_W + (k % 4) * (PLOT_W / 4)
    const ly = legendTop + Math.floor(k / 4) * 18
    parts.push(
      `<rect x="${lx.toFixed(1)}" y="${ly}" width="10" height="10" fill="${classColour(k)}"/><text x="${(lx + 14).toFixed(1)}" y="${ly + 9}" class="legend">${escapeHtml(truncate(cls, 14))}</text>`
    )
  })
  parts.push('</svg>')
  return parts.join('')
}

export interface FrontierPoint {
  label: string
  x: CiItem
  y: CiItem
  /** Points of one series (a model's guidance sweep) share a colour and are joined by a line, in order. */
  series?: string
  /** On the Pareto front: drawn with a ring. */
  pareto?: boolean
}

/**
 * Fairness against quality: one point per model (per model and guidance scale after a sweep) with
 * interval whiskers on both axes; points of one series are joined in order. Both axes start at 0;
 * which direction is better depends on the quality metric and is said in the axis labels.
 */
export function frontierChart(title: string, xLabel: string, yLabel: string, points: readonly FrontierPoint[]): string {
  const shown = points.filter((p) => p.x.value !== null && p.y.value !== null)
  const left = 56
  const top = 28
  const plotW = 420
  const plotH = 260
  const width = left + plotW + 200
  const height = top + plotH + 44
  const maxOf = (get: (p: FrontierPoint) => CiItem): number => {
    let m = 0
    for (const p of shown) m = Math.max(m, get(p).value ?? 0, get(p).high ?? 0)
    return m <= 0 ? 1 : m * 1.1
  }
  const maxX = maxOf((p) => p.x)
  const maxY = maxOf((p) => p.y)
  const sx = (v: number): number => left + (v / maxX) * plotW
  const sy = (v: number): number => top + plotH - (v / maxY) * plotH
  const seriesNames = [...new Set(shown.map((p, i) => p.series ?? `#${i}`))]
  const colourOf = (p: FrontierPoint, i: number): string => classColour(seriesNames.indexOf(p.series ?? `#${i}`))
  const parts: string[] = [
    `<svg class="chart frontier-chart" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<text x="0" y="16" class="chart-title">${escapeHtml(title)}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#888"/>`,
    `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="label">${escapeHtml(xLabel)}</text>`,
    `<text x="12" y="${top + plotH / 2}" text-anchor="middle" class="label" transform="rotate(-90 12 ${top + plotH / 2})">${escapeHtml(yLabel)}</text>`
  ]
  for (let t = 0; t <= 4; t++) {
    parts.push(`<text x="${sx((maxX * t) / 4).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle" class="tick">${fmt((maxX * t) / 4)}</text>`)
    parts.push(`<text x="${left - 4}" y="${(sy((maxY * t) / 4) + 4).toFixed(1)}" text-anchor="end" class="tick">${fmt((maxY * t) / 4)}</text>`)
  }
  // A series' line first, so its points are drawn over it.
  for (const name of seriesNames) {
    const pts = shown.filter((p) => p.series === name)
    if (pts.length < 2) continue
    const d = pts.map((p) => `${sx(p.x.value as number).toFixed(1)},${sy(p.y.value as number).toFixed(1)}`).join(' ')
    parts.push(`<polyline class="series" points="${d}" fill="none" stroke="${classColour(seriesNames.indexOf(name))}" stroke-width="1.5"/>`)
  }
  shown.forEach((p, i) => {
    const x = sx(p.x.value as number)
    const y = sy(p.y.value as number)
    const whiskers: string[] = []
    if (p.x.low !== null && p.x.high !== null) whiskers.push(`<line x1="${sx(p.x.low).toFixed(1)}" y1="${y.toFixed(1)}" x2="${sx(p.x.high).toFixed(1)}" y2="${y.toFixed(1)}"/>`)
    if (p.y.low !== null && p.y.high !== null) whiskers.push(`<line x1="${x.toFixed(1)}" y1="${sy(p.y.low).toFixed(1)}" x2="${x.toFixed(1)}" y2="${sy(p.y.high).toFixed(1)}"/>`)
    const note = p.pareto ? ' (on the Pareto front)' : ''
    parts.push(
      `<g class="whisker" stroke="#222" stroke-width="1">${whiskers.join('')}</g>`,
      `<circle class="point${p.pareto ? ' pareto' : ''}" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="5" fill="${colourOf(p, i)}" stroke="#222" stroke-width="${p.pareto ? 2.5 : 1}"><title>${escapeHtml(`${p.label}: ${xLabel} ${fmt(p.x.value, 3)}, ${yLabel} ${fmt(p.y.value, 3)}${note}`)}</title></circle>`,
      `<text x="${(x + 8).toFixed(1)}" y="${(y - 6).toFixed(1)}" class="label">${escapeHtml(truncate(p.label, 30))}</text>`
    )
  })
  if (shown.length < points.length) parts.push(`<text x="${left + 6}" y="${top + 12}" class="na">${points.length - shown.length} model(s) without both numbers are not shown</text>`)
  parts.push('</svg>')
  return parts.join('')
}
