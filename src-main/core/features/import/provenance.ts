// Bounds what a sidecar's extra keys may add to an image's stored provenance.
//
// Sidecars are written by whatever generated the images, and the provenance is stored as JSON with
// every image and shown in the UI. An attack pass found that one sidecar nested a few thousand
// levels deep failed the *whole* import (SQLite's JSON functions stop at depth 1000, and the
// transaction of the chunk rolled back). Scalars are what provenance is for (sampler, steps,
// guidance, model), so scalars are kept (long strings cut), small shallow values are kept as they
// are, and anything deeper, larger or more numerous is replaced by a short note saying so.

/** Deepest object/array nesting kept from one sidecar value. */
export const MAX_PROVENANCE_DEPTH = 4
/** Largest JSON text of one kept non-scalar value. */
export const MAX_PROVENANCE_VALUE_CHARS = 2000
/** Longest string value kept whole. */
export const MAX_PROVENANCE_STRING = 1000
/** Most extra keys kept from one sidecar. */
export const MAX_PROVENANCE_KEYS = 64

const MAX_KEY_LENGTH = 100

/** The sidecar's extra keys, bounded in count, depth and size; dropped parts leave a note. */
export function boundProvenance(extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const notes: string[] = []
  const keys = Object.keys(extra)
  for (const key of keys.slice(0, MAX_PROVENANCE_KEYS)) {
    const shownKey = key.slice(0, MAX_KEY_LENGTH)
    const kept = boundValue(extra[key])
    if (kept.note) notes.push(`"${shownKey}" ${kept.note}`)
    out[shownKey] = kept.value
  }
  if (keys.length > MAX_PROVENANCE_KEYS) notes.push(`${keys.length - MAX_PROVENANCE_KEYS} more keys dropped (only ${MAX_PROVENANCE_KEYS} are kept)`)
  if (notes.length > 0) out.provenanceNote = `sidecar trimmed: ${notes.slice(0, 5).join('; ')}`
  return out
}

function boundValue(value: unknown): { value: unknown; note?: string } {
  if (value === null || typeof value === 'boolean') return { value }
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { value: null }
  if (typeof value === 'string') {
    if (value.length <= MAX_PROVENANCE_STRING) return { value }
    return { value: value.slice(0, MAX_PROVENANCE_STRING), note: `cut to ${MAX_PROVENANCE_STRING} characters` }
  }
  if (typeof value !== 'object') return { value: null }
  const shape = shapeOf(value, MAX_PROVENANCE_DEPTH)
  if (shape === 'deep') return { value: null, note: `dropped: nested deeper than ${MAX_PROVENANCE_DEPTH} levels` }
  // Depth and node count are bounded now, so stringify cannot overflow the stack or take long.
  if (shape === 'large' || JSON.stringify(value).length > MAX_PROVENANCE_VALUE_CHARS) return { value: null, note: `dropped: larger than ${MAX_PROVENANCE_VALUE_CHARS} characters` }
  return { value }
}

/**
 * 'deep' when `value` nests objects/arrays more than `limit` levels, 'large' when it holds more
 * nodes than a kept value could; iterative, so the depth itself cannot crash it.
 */
function shapeOf(value: object, limit: number): 'deep' | 'large' | 'ok' {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }]
  let visited = 0
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth > limit) return 'deep'
    // Every node costs at least one character of JSON, so this many cannot fit the size rule.
    if (++visited > MAX_PROVENANCE_VALUE_CHARS) return 'large'
    for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 })
  }
  return 'ok'
}
