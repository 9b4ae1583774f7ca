// A small dependency-free SVG line chart for docs figures: several panels side by side, each with one
// line per series, axes with a few ticks, and a shared legend.

export interface Series {
  name: string
  colour: string
  points: { x: number; y: number }[]
}

export interface Panel {
  title: string
  xLabel: string
  series: Series[]
  /** Optional horizontal reference line (e.g. the real-vs-real noise floor). */
  reference?: { y: number; label: string }
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function ticks(lo: number, hi: number, count = 4): number[] {
  if (hi <= lo) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toPrecision(6)))
  return out
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? String(Math.round(v)) : Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(0) : String(Number(v.toPrecision(3))))

export function lineChartSvg(panels: Panel[], caption: string): string {
  const W = 300
  const H = 220
  const m = { l: 48, r: 12, t: 28, b: 40 }
  const width = panels.length * W
  const height = H + 40
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`
  ]
  panels.forEach((p, k) => {
    const ox = k * W
    const all = p.series.flatMap((s) => s.points)
    const xs = all.map((q) => q.x)
    const ys = all.map((q) => q.y).concat(p.reference ? [p.reference.y] : [])
    const x0 = Math.min(...xs)
    const x1 = Math.max(...xs)
    let y0 = Math.min(0, ...ys)
    let y1 = Math.max(...ys)
    if (y1 === y0) y1 = y0 + 1
    y0 = Math.min(y0, 0)
    const px = (x: number): number => ox + m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r)
    const py = (y: number): number => m.t + (1 - (y - y0) / (y1 - y0)) * (H - m.t - m.b)
    parts.push(`<text x="${ox + W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`)
    parts.push(`<line x1="${px(x0)}" y1="${py(y0)}" x2="${px(x1)}" y2="${py(y0)}" stroke="#333"/>`)
    parts.push(`<line x1="${px(x0)}" y1="${py(y0)}" x2="${px(x0)}" y2="${py(y1)}" stroke="#333"/>`)
    for (const t of ticks(y0, y1)) {
      parts.push(`<line x1="${px(x0) - 3}" y1="${py(t)}" x2="${px(x1)}" y2="${py(t)}" stroke="#ddd"/>`)
      parts.push(`<text x="${px(x0) - 5}" y="${py(t) + 4}" text-anchor="end">${fmt(t)}</text>`)
    }
    for (const t of ticks(x0, x1)) parts.push(`<text x="${px(t)}" y="${py(y0) + 14}" text-anchor="middle">${fmt(t)}</text>`)
    parts.push(`<text x="${ox + m.l + (W - m.l - m.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(p.xLabel)}</text>`)
    if (p.reference) {
      parts.push(`<line x1="${px(x0)}" y1="${py(p.reference.y)}" x2="${px(x1)}" y2="${py(p.reference.y)}" stroke="#888" stroke-dasharray="4 3"/>`)
      parts.push(`<text x="${px(x1)}" y="${py(p.reference.y) - 4}" text-anchor="end" fill="#666">${esc(p.reference.label)}</text>`)
    }
    for (const s of p.series) {
      const d = s.points.map((q, i) => `${i ? 'L' : 'M'}${px(q.x).toFixed(1)},${py(q.y).toFixed(1)}`).join(' ')
      parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"/>`)
      for (const q of s.points) parts.push(`<circle cx="${px(q.x).toFixed(1)}" cy="${py(q.y).toFixed(1)}" r="2.5" fill="${s.colour}"/>`)
    }
  })
  const legend = panels[0]?.series ?? []
  legend.forEach((s, i) => {
    const x = 20 + i * 200
    parts.push(`<rect x="${x}" y="${H + 6}" width="14" height="4" fill="${s.colour}"/><text x="${x + 20}" y="${H + 12}">${esc(s.name)}</text>`)
  })
  parts.push(`<text x="20" y="${H + 30}" fill="#444">${esc(caption)}</text>`)
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}
