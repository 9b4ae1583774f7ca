// Where the frontier chart writes each point's name. A name can be long ("Run 1 · PopAlign · step 20,
// β 1000, g 3") and a point can sit at the chart's right edge, so a name is wrapped onto at most two
// lines, written on whichever side of its point has room, and moved clear of the names already placed.
// Text widths are estimated (no layout pass): generous enough for the chart's 12 px font.

export const LABEL_LINE_HEIGHT = 14
/** Average width of one character at 12 px, rounded up so an estimate rarely falls short. */
const CHAR_WIDTH = 6.8
const MAX_LINE_CHARS = 30
/** Distance from the point's centre to its label. */
const GAP = 9

export interface LabelPoint {
  x: number
  y: number
  tag: string
}

export interface PlacedLabel {
  /** One or two lines; the second ends in "…" when the name is longer still (the full name goes in a title). */
  lines: string[]
  /** Anchor of the first line's baseline. */
  x: number
  y: number
  anchor: 'start' | 'end'
}

export interface Bounds {
  left: number
  top: number
  right: number
  bottom: number
}

interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** The tag in at most two lines of `max` characters, broken after ", " or " · " where possible, else at a space. */
export function wrapTag(tag: string, max = MAX_LINE_CHARS): string[] {
  const text = tag.trim()
  if (text.length <= max) return [text]
  const cut = breakAt(text, max)
  const first = text.slice(0, cut).trimEnd()
  let rest = text.slice(cut).trimStart()
  if (rest.length > max) rest = `${rest.slice(0, max - 1).trimEnd()}…`
  return [first, rest]
}

/** Where to end the first line: after the last separator that fits, else the last space, else a hard cut. */
function breakAt(text: string, max: number): number {
  const head = text.slice(0, max + 1)
  const separator = Math.max(head.lastIndexOf(', ') + 1, head.lastIndexOf(' · ') + 2)
  if (separator > max / 3) return separator
  const space = head.lastIndexOf(' ')
  return space > max / 3 ? space : max
}

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
const inside = (a: Box, b: Bounds): boolean => a.x0 >= b.left && a.x1 <= b.right && a.y0 >= b.top && a.y1 <= b.bottom

function boxOf(l: PlacedLabel): Box {
  const width = Math.max(...l.lines.map((s) => s.length)) * CHAR_WIDTH
  const top = l.y - 11
  return { x0: l.anchor === 'start' ? l.x : l.x - width, x1: l.anchor === 'start' ? l.x + width : l.x, y0: top, y1: top + l.lines.length * LABEL_LINE_HEIGHT }
}

/**
 * One label per point, in the points' order: above-right of its point, else above-left, below-right,
 * below-left; where all four touch a label already placed (or leave the chart), the first one that
 * stays inside is pushed down a line at a time until clear (at most ten lines), else left where it is.
 */
export function placeLabels(points: readonly LabelPoint[], bounds: Bounds): PlacedLabel[] {
  const placed: Box[] = []
  return points.map((p) => {
    const lines = wrapTag(p.tag)
    const below = p.y + GAP + 11
    const candidates: PlacedLabel[] = [
      { lines, x: p.x + GAP, y: p.y - GAP - (lines.length - 1) * LABEL_LINE_HEIGHT, anchor: 'start' },
      { lines, x: p.x - GAP, y: p.y - GAP - (lines.length - 1) * LABEL_LINE_HEIGHT, anchor: 'end' },
      { lines, x: p.x + GAP, y: below, anchor: 'start' },
      { lines, x: p.x - GAP, y: below, anchor: 'end' }
    ]
    const fitting = candidates.filter((c) => inside(boxOf(c), bounds))
    let chosen = fitting.find((c) => !placed.some((b) => overlaps(boxOf(c), b)))
    if (!chosen) {
      const start = fitting[0] ?? candidates[0]
      chosen = start
      for (let i = 1; i <= 10; i++) {
        const moved = { ...start, y: start.y + i * LABEL_LINE_HEIGHT }
        if (!placed.some((b) => overlaps(boxOf(moved), b))) {
          chosen = moved
          break
        }
      }
    }
    placed.push(boxOf(chosen))
    return chosen
  })
}
