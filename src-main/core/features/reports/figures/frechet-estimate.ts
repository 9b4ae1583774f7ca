// The Frechet distance of a model's classifier features to a reference population, with a bootstrap
// interval. Each resample costs a covariance (images x dim^2) and an eigendecomposition (dim^3), so on
// large sets the interval resamples whole prompts from per-prompt moments instead of single images; the
// estimate's `method` says which was done.

import type { Rng } from '../../../random/rng'
import { biasCorrectedInterval } from '../../../stats/bootstrap'
import { addMoments, addToMoments, emptyMoments, fitGaussian, frechetToReference, momentsOf, prepareReference, type FeatureMoments, type PreparedReference } from '../../../stats/frechet'
import type { Estimate, ResampleMethod } from './report-model'
import { frechetSentence } from './sentences'
import type { AuditRecord, ReferenceFeatures } from './types'

/** Above this many multiply-adds for all resampled covariances, resample prompts instead of images. */
const IMAGE_RESAMPLING_BUDGET = 2e8

export interface FrechetReference {
  label: string
  prepared: PreparedReference
}

export function prepareFrechetReference(ref: ReferenceFeatures): FrechetReference {
  if (ref.features.length < 2) throw new Error(`reference "${ref.label}" needs at least 2 feature vectors, got ${ref.features.length}`)
  const dim = ref.features[0].length
  ref.features.forEach((f, i) => {
    if (f.length !== dim) throw new Error(`reference "${ref.label}" feature ${i} has ${f.length} values, expected ${dim}`)
  })
  return { label: ref.label, prepared: prepareReference(fitGaussian(momentsOf(ref.features))) }
}

function distanceOf(ref: PreparedReference, m: FeatureMoments): number {
  return m.count < 2 ? Number.NaN : frechetToReference(ref, fitGaussian(m))
}

export function frechetEstimate(ref: FrechetReference, records: readonly AuditRecord[], groups: readonly Int32Array[], resamples: number, rng: Rng): Estimate {
  const dim = ref.prepared.fit.dim
  const evidence: string[] = []
  for (const g of groups) {
    for (const i of g) {
      const f = records[i].features
      if (!f) continue
      if (f.length !== dim) throw new Error(`image "${records[i].imageId}" has ${f.length} features but the reference has ${dim}`)
      evidence.push(records[i].imageId)
    }
  }
  const n = evidence.length
  const sentence = (value: number | null, low: number | null, high: number | null): string => frechetSentence({ reference: ref.label, value, low, high, n })
  if (n < 2) return { value: null, ciLow: null, ciHigh: null, n, method: 'prompts+images', sentence: sentence(null, null, null), evidence }

  const perPrompt = groups.map((g) => {
    const m = emptyMoments(dim)
    for (const i of g) if (records[i].features) addToMoments(m, records[i].features)
    return m
  })
  const total = emptyMoments(dim)
  for (const m of perPrompt) addMoments(total, m)
  const value = distanceOf(ref.prepared, total)

  const method: ResampleMethod = n * dim * dim * resamples <= IMAGE_RESAMPLING_BUDGET ? 'prompts+images' : 'prompts'
  const draws = new Float64Array(resamples)
  const multiplicity = new Int32Array(records.length)
  for (let r = 0; r < resamples; r++) {
    const m = emptyMoments(dim)
    if (method === 'prompts') {
      for (let k = 0; k < groups.length; k++) addMoments(m, perPrompt[rng.int(groups.length)])
    } else {
      multiplicity.fill(0)
      for (let k = 0; k < groups.length; k++) {
        const g = groups[rng.int(groups.length)]
        for (let j = 0; j < g.length; j++) multiplicity[g[rng.int(g.length)]]++
      }
      for (let i = 0; i < records.length; i++) {
        const f = records[i].features
        if (multiplicity[i] > 0 && f) addToMoments(m, f, multiplicity[i])
      }
    }
    draws[r] = distanceOf(ref.prepared, m)
  }
  const ci = biasCorrectedInterval(value, draws, { min: 0, max: Infinity })
  return { value, ciLow: ci?.low ?? null, ciHigh: ci?.high ?? null, n, method, sentence: sentence(value, ci?.low ?? null, ci?.high ?? null), evidence }
}
