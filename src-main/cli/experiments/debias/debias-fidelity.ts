// The attribute-matched fidelity figures (src-main/core/features/reports/figures/fidelity.ts, docs/quality.md) of each Debias
// arm's last EMA weights: the quality measure that sees pixel noise, blur and colour casts and is blind
// to the attribute mix. The arms' evaluation curves were fixed (Frechet distance, colour shift) before
// this figure existed, so it is computed afterwards from the final checkpoints, at the last step only,
// with the same samplers and per-image seeds as the curves.
import { readFileSync } from 'node:fs'
import { openClassifier } from '../../../core/classifier/open'
import { auditSet, cleanSet } from '../../../core/features/reports/fidelity-check'
import { openWorldFidelity } from '../../../core/features/reports/world-fidelity'
import { neutralPromptSet } from '../../../core/world/prompts'
import { decodeCheckpoint } from '../../../core/engine/checkpoint/format'
import { ditParameters } from '../../../core/engine/model/dit-spec'
import type { DiTParams } from '../../../core/engine/model/dit-tf'
import { openSampler } from '../../../core/sampling/host'
import { samplePlanPrompts, type DebiasPlan, type Estimate } from './debias-experiment'
import { processConfig } from '../../process-config'

export interface ArmFidelity {
  step: number
  /** Per sampler: 100 x paired MMD^2 against matched clean renders (0 = as good as the renders), 95% interval. */
  samplers: Record<string, { pixels: Estimate; features: Estimate }>
}

/** The EMA weights and step stored in an arm's checkpoint. */
export function emaFromCheckpoint(path: string, plan: DebiasPlan): { step: number; params: DiTParams } {
  const { meta, tensors } = decodeCheckpoint(readFileSync(path), path)
  const params: DiTParams = {}
  for (const s of ditParameters(plan.config.model)) {
    const t = tensors.get(`ema/${s.name}`)
    if (!t) throw new Error(`${path} has no EMA tensor ${s.name}`)
    params[s.name] = t.data
  }
  return { step: meta.step as number, params }
}

const estimate = (e: { value: number | null; ciLow: number | null; ciHigh: number | null }): Estimate => ({ value: e.value ?? Number.NaN, low: e.ciLow ?? Number.NaN, high: e.ciHigh ?? Number.NaN })

/** Samples the plan's prompts with every sampler from `params` and measures the fidelity figures. */
export async function armFidelity(plan: DebiasPlan, params: DiTParams, step: number, label: string): Promise<ArmFidelity> {
  const classifier = await openClassifier('builtin', processConfig().resourcesDir)
  try {
    const fidelity = await openWorldFidelity(classifier)
    if (!fidelity) throw new Error('the built-in classifier gives no fidelity references')
    const classifyPixels = classifier.classifyPixels
    if (!classifyPixels) throw new Error('the built-in classifier cannot classify pixels')
    // auditSet also reports the Frechet distance to fair clean renders; it is not used here.
    const fair = cleanSet(160, false, 3, classifier.imageSize)
    const fairFeatures = (await classifyPixels(fair.images, fair.count)).map((r) => r.features).filter((f): f is Float32Array => f !== null)
    const prompts = neutralPromptSet()
    const texts = prompts.flatMap((p) => new Array<string>(plan.perPrompt).fill(p))
    const sampler = await openSampler({ kind: 'dit', config: plan.config, params })
    const samplers: ArmFidelity['samplers'] = {}
    try {
      for (const s of plan.samplers) {
        const images = await samplePlanPrompts(plan, sampler, prompts, s)
        const f = await auditSet(classifier, fidelity, { images, count: texts.length, prompts: texts }, `${label}-${s.name}`, fairFeatures, plan.resamples)
        samplers[s.name] = { pixels: estimate(f.pixels), features: estimate(f.features) }
      }
    } finally {
      await sampler.dispose()
    }
    return { step, samplers }
  } finally {
    await classifier.dispose()
  }
}
