// Stage 6: the measured table. Every number comes from the audit core (buildReport): pooled
// discrepancy over the full class list with bootstrap CIs (prompts, then images, resampled), recall
// with whole-word matching, concept accuracy, and the classifier-feature Frechet distance with its CI.
import { buildReport, frechetDistanceOfFeatures, type AuditAxis, type AuditRecord, type Estimate, type ModelReport } from '../../../core/features/reports/figures'
import { CONCEPTS, WORLD_AXES } from '../../../core/world'
import { auditFromClassifications } from '../../../core/features/reports/figures'
import { openClassifier } from '../../../core/classifier/open'
import { openWorldFidelity, type WorldFidelity } from '../../../core/features/reports/world-fidelity'
import type { FidelityEvidence } from '../../../core/features/reports/figures'
import type { Classification } from '../../../core/classifier/classifier'
import { blockPixels, decodeFeatures, type ImageVerdict, type ModelEvaluation, type PromptBlock, type ReferenceSet } from './evaluate'
import { processConfig } from '../../process-config'

export interface Value {
  value: number | null
  ciLow: number | null
  ciHigh: number | null
  n: number
}

export interface Table1Row {
  model: string
  label: string
  /** Pooled over every held-out neutral image (paper Table 1). */
  discrepancy: Record<string, Value>
  /** Mean over held-out prompts of the per-prompt discrepancy: pooling lets opposite biases of two concepts cancel. */
  meanPromptDiscrepancy: Record<string, number | null>
  /** Share of held-out neutral images showing the asked concept (the CLIP-score analogue). */
  conceptAccuracy: Value
  /**
   * Image fidelity gap (100 x MMD^2 of pixel descriptors against attribute-matched clean renders,
   * features/reports/figures/fidelity.ts), held-out neutral samples: sees noise, blur and colour casts, blind to the
   * attribute mix. Lower is better, 0 = as good as the renders. The quality target.
   */
  fidelity: Value
  /** The same figure on the classifier's features. */
  featureFidelity: Value
  /**
   * Frechet distance of classifier features, held-out neutral samples vs fair renders (the FID analogue).
   * Secondary: moving toward the fair mix lowers it by itself, whatever happens to quality.
   */
  frechet: Value
  /** The same against renders with the pretraining bias. */
  frechetPretraining: number | null
  /** Identity-specific prompts (paper Table 2). */
  recall: Record<string, Value> & { overall: Value }
  specificConceptAccuracy: Value
  frechetSpecific: Value
  /** Fidelity gap on the identity-specific prompts. */
  fidelitySpecific: Value
  /** Share of held-out neutral images whose attributes the classifier read ('ok'), with its interval. */
  coverage: Value
}

export const MODEL_LABELS: Record<string, string> = { base: 'Base', sft: 'Base-SFT', popalign: 'Base-PopAlign' }

const AXES: AuditAxis[] = WORLD_AXES.map((a) => ({ name: a.name, classes: [...a.classes] }))

function value(e: Estimate | null | undefined): Value {
  return { value: e?.value ?? null, ciLow: e?.ciLow ?? null, ciHigh: e?.ciHigh ?? null, n: e?.n ?? 0 }
}

function classificationOf(v: ImageVerdict): Classification {
  return {
    status: v.status,
    concept: v.concept,
    conceptP: 1,
    detectionP: null,
    axes: Object.fromEntries(Object.entries(v.axes).flatMap(([axis, cls]) => (cls === null ? [] : [[axis, { cls, p: 1 }]]))),
    features: decodeFeatures(v.features)
  }
}

function imageId(model: string, kind: 'neutral' | 'specific', i: number): string {
  return `${model}:${kind}:${i}`
}

function recordsOf(model: string, block: PromptBlock, kind: 'neutral' | 'specific', evidence: ReadonlyMap<string, FidelityEvidence>): AuditRecord[] {
  const records = auditFromClassifications({
    modelId: model,
    axes: AXES,
    concepts: CONCEPTS,
    images: block.images.map((_, i) => {
      const p = Math.floor(i / block.perPrompt)
      return { imageId: imageId(model, kind, i), promptId: `${kind}:${p}`, promptText: block.prompts[p], promptKind: kind }
    }),
    classifications: block.images.map(classificationOf)
  })
  for (const r of records) {
    const e = evidence.get(r.imageId)
    if (e) r.fidelity = e
  }
  return records
}

/**
 * Attribute-matched fidelity evidence (features/reports/world-fidelity.ts) of a block's sampled images: each
 * image against a clean render of its prompt's concept with the attributes the classifier read on it.
 * Empty for a block kept without pixels.
 */
async function evidenceOf(fidelity: WorldFidelity, model: string, block: PromptBlock, kind: 'neutral' | 'specific'): Promise<Map<string, FidelityEvidence>> {
  const pixels = blockPixels(block)
  if (!pixels) return new Map()
  const per = pixels.length / block.images.length
  return fidelity.evidence(
    block.images.map((v, i) => ({
      imageId: imageId(model, kind, i),
      promptText: block.prompts[Math.floor(i / block.perPrompt)],
      pixels: pixels.subarray(i * per, (i + 1) * per),
      classification: classificationOf(v)
    }))
  )
}

function featuresOf(block: PromptBlock): Float32Array[] {
  return block.images.map((v) => decodeFeatures(v.features)).filter((f): f is Float32Array => f !== null)
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x))
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null
}

export interface BootstrapChoice {
  resamples: number
  frechetResamples: number
  seed: number
}

export async function buildRows(evals: readonly ModelEvaluation[], ref: ReferenceSet, b: BootstrapChoice): Promise<Table1Row[]> {
  const models = evals.map((e) => ({
    id: e.model,
    label: MODEL_LABELS[e.model] ?? e.model,
    lineage: {
      checkpoint: e.checkpoint,
      run: null,
      snapshot: null,
      annotators: ['classifier'],
      agreement: null,
      classifier: { id: 'popalign-world-classifier', version: '' },
      prompts: 'table1',
      seeds: [],
      sampler: null,
      guidance: null
    }
  }))
  const bootstrap = { resamples: b.resamples, frechetResamples: b.frechetResamples, seed: b.seed }
  const classifier = await openClassifier('builtin', processConfig().resourcesDir)
  let neutralEvidence: Map<string, FidelityEvidence>[]
  let specificEvidence: Map<string, FidelityEvidence>[]
  let scale: WorldFidelity['scale']
  try {
    const fidelity = await openWorldFidelity(classifier)
    if (!fidelity) throw new Error('the built-in classifier gives no fidelity references')
    scale = fidelity.scale
    neutralEvidence = []
    specificEvidence = []
    for (const e of evals) {
      neutralEvidence.push(await evidenceOf(fidelity, e.model, e.neutral, 'neutral'))
      specificEvidence.push(await evidenceOf(fidelity, e.model, e.specific, 'specific'))
    }
  } finally {
    await classifier.dispose()
  }
  const neutral = buildReport({
    title: 'table1 held-out neutral prompts',
    models,
    axes: AXES,
    records: evals.flatMap((e, i) => recordsOf(e.model, e.neutral, 'neutral', neutralEvidence[i])),
    reference: { label: 'fair renders of the held-out prompts', features: featuresOf(ref.neutralFair) },
    fidelityScale: scale,
    bootstrap
  })
  const specific = buildReport({
    title: 'table1 identity-specific prompts',
    models,
    axes: AXES,
    records: evals.flatMap((e, i) => recordsOf(e.model, e.specific, 'specific', specificEvidence[i])),
    reference: { label: 'renders of the identity-specific prompts', features: featuresOf(ref.specific) },
    fidelityScale: scale,
    bootstrap
  })
  const pretrainingRef = featuresOf(ref.neutralPretraining)
  return evals.map((e, i) => {
    const n: ModelReport = neutral.models[i]
    const s: ModelReport = specific.models[i]
    const sampleFeatures = featuresOf(e.neutral)
    return {
      model: e.model,
      label: models[i].label,
      discrepancy: Object.fromEntries(n.axes.map((a) => [a.axis, value(a.pooled.discrepancy)])),
      meanPromptDiscrepancy: Object.fromEntries(n.axes.map((a) => [a.axis, mean(a.prompts.map((p) => p.distribution.discrepancy?.value ?? null))])),
      conceptAccuracy: value(n.conceptAccuracy),
      fidelity: value(n.fidelity),
      featureFidelity: value(n.featureFidelity),
      frechet: value(n.frechet),
      frechetPretraining: sampleFeatures.length >= 2 && pretrainingRef.length >= 2 ? frechetDistanceOfFeatures(sampleFeatures, pretrainingRef) : null,
      recall: { ...Object.fromEntries(s.axes.map((a) => [a.axis, value(a.recall)])), overall: value(s.recallOverall) },
      specificConceptAccuracy: value(s.conceptAccuracy),
      frechetSpecific: value(s.frechet),
      fidelitySpecific: value(s.fidelity),
      coverage: value(n.coverage.ratio)
    }
  })
}
