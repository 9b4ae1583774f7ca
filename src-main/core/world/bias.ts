// Per-concept attribute distributions of the world's pretraining data. The default imitates what the
// PopAlign paper measured on SDXL: occupations that are 90-100% one class on the 2-class axis (6/100
// female doctors, 0/100 female engineers) and a skewed 6-class axis. Every class keeps a little mass
// so identity-specific captions still exist for every pairing, as in web-scale data.

import { CONCEPTS, SILHOUETTES, TONES, type Concept } from './taxonomy'

export interface ConceptBias {
  /** Probabilities over SILHOUETTES (round, angular). */
  silhouette: number[]
  /** Probabilities over TONES (amber, teal, violet, rose, olive, slate). */
  tone: number[]
}

export type WorldBias = Record<Concept, ConceptBias>

/** Overrides for some concepts; anything left out keeps its default. */
export type WorldBiasOverrides = Partial<Record<Concept, Partial<ConceptBias>>>

export const SDXL_LIKE_BIAS: Readonly<WorldBias> = Object.freeze({
  doctor: { silhouette: [0.06, 0.94], tone: [0.62, 0.1, 0.08, 0.08, 0.06, 0.06] },
  nurse: { silhouette: [0.92, 0.08], tone: [0.45, 0.1, 0.05, 0.25, 0.1, 0.05] },
  chef: { silhouette: [0.15, 0.85], tone: [0.5, 0.05, 0.05, 0.1, 0.2, 0.1] },
  firefighter: { silhouette: [0.03, 0.97], tone: [0.8, 0.04, 0.04, 0.04, 0.04, 0.04] },
  teacher: { silhouette: [0.7, 0.3], tone: [0.55, 0.15, 0.05, 0.1, 0.05, 0.1] },
  pilot: { silhouette: [0.02, 0.98], tone: [0.75, 0.05, 0.05, 0.05, 0.05, 0.05] },
  farmer: { silhouette: [0.1, 0.9], tone: [0.35, 0.05, 0.05, 0.05, 0.45, 0.05] },
  painter: { silhouette: [0.45, 0.55], tone: [0.3, 0.2, 0.2, 0.1, 0.1, 0.1] },
  astronaut: { silhouette: [0.1, 0.9], tone: [0.7, 0.06, 0.06, 0.06, 0.06, 0.06] }
})

/** Every concept uniform on both axes: the ideal a fair model should reproduce. */
export function uniformBias(): WorldBias {
  const out = {} as WorldBias
  for (const c of CONCEPTS) out[c] = { silhouette: SILHOUETTES.map(() => 1 / SILHOUETTES.length), tone: TONES.map(() => 1 / TONES.length) }
  return out
}

function normalised(values: unknown, expectedLength: number, where: string): number[] {
  if (!Array.isArray(values)) throw new Error(`bias ${where}: expected an array of ${expectedLength} probabilities`)
  if (values.length !== expectedLength) throw new Error(`bias ${where}: expected ${expectedLength} probabilities, got ${values.length}`)
  let sum = 0
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`bias ${where}: ${String(v)} is not a non-negative number`)
    sum += v
  }
  if (!(sum > 0)) throw new Error(`bias ${where}: probabilities sum to 0`)
  return values.map((v: number) => v / sum)
}

/** Merges overrides over `base` (default: SDXL-like), validates, and normalises every distribution. */
export function resolveWorldBias(overrides: WorldBiasOverrides = {}, base: Readonly<WorldBias> = SDXL_LIKE_BIAS): WorldBias {
  for (const key of Object.keys(overrides)) {
    if (!(CONCEPTS as readonly string[]).includes(key)) throw new Error(`bias: unknown concept "${key}"; expected one of ${CONCEPTS.join(', ')}`)
  }
  const out = {} as WorldBias
  for (const c of CONCEPTS) {
    const o = overrides[c] ?? {}
    out[c] = {
      silhouette: normalised(o.silhouette ?? base[c].silhouette, SILHOUETTES.length, `${c}.silhouette`),
      tone: normalised(o.tone ?? base[c].tone, TONES.length, `${c}.tone`)
    }
  }
  return out
}
