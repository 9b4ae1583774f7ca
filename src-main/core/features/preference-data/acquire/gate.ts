// The acquisition gate (docs/methods/popalign.md §Acquisition, step 4, plus the paper's "inconsistent images are dropped"):
// an image stays in its pool only if the classifier saw its attributes, was sure of them, and, for an
// identity-specific prompt, found exactly the classes the prompt asked for. Every other image gets a
// reason for the ledger.

export type GateReason = 'classifier_error' | 'no_detection' | 'low_confidence' | 'not_classified' | 'axis_missing' | 'contradicts_prompt'

export interface GateVerdict {
  status: 'ok' | 'no_detection' | 'low_confidence' | 'error'
  attributes: Record<string, string>
  confidence: number | null
}

export type GateResult = { keep: true } | { keep: false; reason: GateReason; detail: string }

/**
 * `asked` is the class combination of an identity-specific prompt, or null for the neutral pool;
 * `axes` are the axes every kept image must have a class for (the diversity check counts them).
 */
export function gateImage(verdict: GateVerdict | null, asked: Record<string, string> | null, axes: readonly string[]): GateResult {
  if (!verdict) return { keep: false, reason: 'not_classified', detail: 'no verdict of the acquisition classifier' }
  const conf = verdict.confidence === null ? '' : ` (${verdict.confidence.toFixed(3)})`
  if (verdict.status === 'error') return { keep: false, reason: 'classifier_error', detail: 'the classifier could not read the image' }
  if (verdict.status === 'no_detection') return { keep: false, reason: 'no_detection', detail: `attributes not detected${conf}` }
  if (verdict.status === 'low_confidence') return { keep: false, reason: 'low_confidence', detail: `classifier unsure${conf}: ${describe(verdict.attributes)}` }
  for (const axis of axes) {
    if (verdict.attributes[axis] === undefined) return { keep: false, reason: 'axis_missing', detail: `the classifier gives no class for axis "${axis}"` }
  }
  if (asked) {
    const wrong = Object.entries(asked).filter(([axis, cls]) => verdict.attributes[axis] !== cls)
    if (wrong.length > 0) {
      return { keep: false, reason: 'contradicts_prompt', detail: wrong.map(([axis, cls]) => `${axis}: asked ${cls}, seen ${verdict.attributes[axis] ?? 'nothing'}`).join('; ') }
    }
  }
  return { keep: true }
}

function describe(attributes: Record<string, string>): string {
  return (
    Object.entries(attributes)
      .map(([a, c]) => `${a}=${c}`)
      .join(', ') || 'no classes'
  )
}
