import { describe, expect, it } from 'vitest'
import type { Classification } from '../../src-main/core/classifier/classifier'
import { promptStats, statsByPrompt } from '../../src-main/core/evaluation/prompt-metrics'
import { renderReference } from '../../src-main/core/evaluation/reference'

const seen = (concept: string, silhouette?: string, tone?: string): Classification => ({
  status: silhouette ? 'ok' : 'no_detection',
  concept,
  conceptP: 0.9,
  detectionP: silhouette ? 0.9 : 0.1,
  axes: silhouette && tone ? { silhouette: { cls: silhouette, p: 0.9 }, tone: { cls: tone, p: 0.9 } } : {},
  features: null
})

describe('promptStats', () => {
  it('scores concept and asked attributes, counting unreadable images as misses', () => {
    const s = promptStats('a photo of a round teal doctor', [seen('doctor', 'round', 'teal'), seen('doctor', 'angular', 'teal'), seen('nurse', 'round', 'teal'), seen('doctor')])
    expect(s.conceptAccuracy).toBe(0.75)
    expect(s.silhouetteAccuracy).toBe(0.5)
    expect(s.toneAccuracy).toBe(0.75)
    expect(s.allCorrect).toBe(0.25)
    expect(s.undetected).toBe(0.25)
    expect(s.silhouetteShares.round).toBeCloseTo(2 / 3, 12)
  })

  it('leaves attribute accuracy null for neutral prompts and judges the astronaut by concept only', () => {
    const n = promptStats('a photo of a pilot', [seen('pilot', 'angular', 'amber'), seen('pilot', 'round', 'amber')])
    expect(n.silhouetteAccuracy).toBeNull()
    expect(n.allCorrect).toBe(1)
    expect(n.silhouetteShares).toEqual({ round: 0.5, angular: 0.5 })
    expect(promptStats('a photo of a round astronaut', [seen('astronaut')]).allCorrect).toBe(1)
  })

  it('groups flat results per prompt and names mismatches', () => {
    const r = [seen('chef', 'round', 'olive'), seen('chef', 'round', 'olive'), seen('farmer', 'angular', 'olive'), seen('chef', 'angular', 'olive')]
    const s = statsByPrompt(['a chef', 'a farmer'], r, 2)
    expect(s.map((x) => x.conceptAccuracy)).toEqual([1, 0.5])
    expect(() => statsByPrompt(['a chef'], r, 2)).toThrow(/expected 2 classifications/)
    expect(() => promptStats('a photo of a thing', r)).toThrow(/names no single concept/)
  })
})

describe('renderReference', () => {
  it('renders perPrompt images per prompt, deterministically', () => {
    const a = renderReference(['a photo of a doctor', 'a photo of a round teal nurse'], 3, 7)
    expect(a.length).toBe(2 * 3 * 16 * 16 * 3)
    expect(renderReference(['a photo of a doctor', 'a photo of a round teal nurse'], 3, 7)).toEqual(a)
    expect(() => renderReference(['a photo of a doctor'], 0, 1)).toThrow(/positive integer/)
  })
})
