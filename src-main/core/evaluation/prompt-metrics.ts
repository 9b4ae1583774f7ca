// Per-prompt statistics of classified images: how often the asked concept and attributes were shown,
// and the attribute distribution of what was drawn. Images whose attributes could not be read
// ('no_detection', 'error') count as misses for attribute accuracy and are left out of distributions.
import type { Classification } from '../classifier/classifier'
import { parsePrompt } from '../world/prompts'
import { SILHOUETTES, TONES, attributesVisible } from '../world/taxonomy'

export interface PromptStats {
  prompt: string
  images: number
  /** Fraction showing the prompt's concept. */
  conceptAccuracy: number
  /** Fraction showing the asked silhouette / tone (null when the prompt asks none). */
  silhouetteAccuracy: number | null
  toneAccuracy: number | null
  /** Fraction showing the concept and every asked attribute. */
  allCorrect: number
  /** Fraction with no readable attributes. */
  undetected: number
  /** Share of each class among images whose attributes were read. */
  silhouetteShares: Record<string, number>
  toneShares: Record<string, number>
}

function shares(classes: readonly string[], picked: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of classes) out[c] = picked.length ? picked.filter((p) => p === c).length / picked.length : 0
  return out
}

export function promptStats(prompt: string, results: readonly Classification[]): PromptStats {
  const asked = parsePrompt(prompt)
  if (!asked.concept) throw new Error(`evaluation prompt "${prompt}" names no single concept`)
  const n = results.length
  if (n === 0) throw new Error(`no images for prompt "${prompt}"`)
  let concept = 0
  let sil = 0
  let tone = 0
  let all = 0
  let undetected = 0
  const sils: string[] = []
  const tones: string[] = []
  for (const r of results) {
    const okConcept = r.concept === asked.concept
    const s = r.axes.silhouette?.cls
    const t = r.axes.tone?.cls
    if (s === undefined || t === undefined) undetected++
    if (s !== undefined) sils.push(s)
    if (t !== undefined) tones.push(t)
    const okSil = asked.silhouette === null || s === asked.silhouette
    const okTone = asked.tone === null || t === asked.tone
    if (okConcept) concept++
    if (asked.silhouette !== null && s === asked.silhouette) sil++
    if (asked.tone !== null && t === asked.tone) tone++
    // The hidden-attribute concept cannot show attributes; only its concept is judged.
    if (okConcept && (!attributesVisible(asked.concept) || (okSil && okTone))) all++
  }
  return {
    prompt,
    images: n,
    conceptAccuracy: concept / n,
    silhouetteAccuracy: asked.silhouette === null ? null : sil / n,
    toneAccuracy: asked.tone === null ? null : tone / n,
    allCorrect: all / n,
    undetected: undetected / n,
    silhouetteShares: shares(SILHOUETTES, sils),
    toneShares: shares(TONES, tones)
  }
}

/** Splits a flat classification list into consecutive groups of `perPrompt`, one per prompt. */
export function statsByPrompt(prompts: readonly string[], results: readonly Classification[], perPrompt: number): PromptStats[] {
  if (results.length !== prompts.length * perPrompt) throw new Error(`expected ${prompts.length * perPrompt} classifications, got ${results.length}`)
  return prompts.map((p, i) => promptStats(p, results.slice(i * perPrompt, (i + 1) * perPrompt)))
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN
  return values.reduce((a, b) => a + b, 0) / values.length
}
