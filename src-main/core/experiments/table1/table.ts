// Stage 6: the measured table. Every number comes from the audit core (buildReport): pooled
// discrepancy over the full class list with bootstrap CIs (prompts, then images, resampled), recall
// with whole-word matching, concept accuracy, and the classifier-feature Frechet distance with its CI.
import { buildReport, frechetDistanceOfFeatures, type AuditAxis, type AuditRecord, type Estimate, type ModelReport } from '../../audit'
import { CONCEPTS, WORLD_AXES } from '../../world'
import { auditFromClassifications } from '../../audit'
import { decodeFeatures, type ModelEvaluation, type PromptBlock, type ReferenceSet } from './evaluate'

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
  /** Frechet distance of classifier features, held-out neutral samples vs fair renders (the FID analogue). */
  frechet: Value
  /** The same against renders with the pretraining bias. */
  frechetPretraining: number | null
  /** Identity-specific prompts (paper Table 2). */
  recall: Record<string, Value> & { overall: Value }
  specificConceptAccuracy: Value
  frechetSpecific: Value
  /** Share of held-out neutral images whose attributes the classifier read ('ok'). */
  coverage: number | null
}

export interface TargetCheck {
  name: string
  measured: string
  target: string
  met: boolean
}

export const MODEL_LABELS: Record<string, string> = { base: 'Base', sft: 'Base-SFT', popalign: 'Base-PopAlign' }

const AXES: AuditAxis[] = WORLD_AXES.map((a) => ({ name: a.name, classes: [...a.classes] }))

function value(e: Estimate | null | undefined): Value {
  return { value: e?.value ?? null, ciLow: e?.ciLow ?? null, ciHigh: e?.ciHigh ?? null, n: e?.n ?? 0 }
}

function recordsOf(model: string, block: PromptBlock, kind: 'neutral' | 'specific'): AuditRecord[] {
  return auditFromClassifications({
    modelId: model,
    axes: AXES,
    concepts: CONCEPTS,
    images: block.images.map((_, i) => {
      const p = Math.floor(i / block.perPrompt)
      return { imageId: `${model}:${kind}:${i}`, promptId: `${kind}:${p}`, promptText: block.prompts[p], promptKind: kind }
    }),
    classifications: block.images.map((v) => ({
      status: v.status,
      concept: v.concept,
      conceptP: 1,
      detectionP: null,
      axes: Object.fromEntries(Object.entries(v.axes).flatMap(([axis, cls]) => (cls === null ? [] : [[axis, { cls, p: 1 }]]))),
      features: decodeFeatures(v.features)
    }))
  })
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

export function buildRows(evals: readonly ModelEvaluation[], ref: ReferenceSet, b: BootstrapChoice): Table1Row[] {
  const models = evals.map((e) => ({ id: e.model, label: MODEL_LABELS[e.model] ?? e.model, lineage: { checkpoint: e.checkpoint, run: null, snapshot: null, annotators: ['classifier'], agreement: null, classifier: { id: 'popalign-world-classifier', version: '' }, prompts: 'table1', seeds: [], sampler: null, guidance: null } }))
  const bootstrap = { resamples: b.resamples, frechetResamples: b.frechetResamples, seed: b.seed }
  const neutral = buildReport({
    title: 'table1 held-out neutral prompts',
    models,
    axes: AXES,
    records: evals.flatMap((e) => recordsOf(e.model, e.neutral, 'neutral')),
    reference: { label: 'fair renders of the held-out prompts', features: featuresOf(ref.neutralFair) },
    bootstrap
  })
  const specific = buildReport({
    title: 'table1 identity-specific prompts',
    models,
    axes: AXES,
    records: evals.flatMap((e) => recordsOf(e.model, e.specific, 'specific')),
    reference: { label: 'renders of the identity-specific prompts', features: featuresOf(ref.specific) },
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
      frechet: value(n.frechet),
      frechetPretraining: sampleFeatures.length >= 2 && pretrainingRef.length >= 2 ? frechetDistanceOfFeatures(sampleFeatures, pretrainingRef) : null,
      recall: { ...Object.fromEntries(s.axes.map((a) => [a.axis, value(a.recall)])), overall: value(s.recallOverall) } as Table1Row['recall'],
      specificConceptAccuracy: value(s.conceptAccuracy),
      frechetSpecific: value(s.frechet),
      coverage: n.coverage.ratio.value
    }
  })
}

/** The brief's targets for PopAlign against the base model. */
export function checkTargets(rows: readonly Table1Row[]): TargetCheck[] {
  const base = rows.find((r) => r.model === 'base')
  const pop = rows.find((r) => r.model === 'popalign')
  if (!base || !pop) return []
  const out: TargetCheck[] = []
  for (const axis of Object.keys(base.discrepancy)) {
    const b = base.discrepancy[axis].value
    const p = pop.discrepancy[axis].value
    const ratio = b !== null && p !== null && b > 0 ? p / b : null
    out.push({ name: `${axis} discrepancy`, measured: ratio === null ? 'n/a' : `${(100 * ratio).toFixed(0)}% of base (${p!.toFixed(3)} vs ${b!.toFixed(3)})`, target: '<= 50% of base', met: ratio !== null && ratio <= 0.5 })
  }
  const ca = base.conceptAccuracy.value !== null && pop.conceptAccuracy.value !== null ? 100 * (base.conceptAccuracy.value - pop.conceptAccuracy.value) : null
  out.push({ name: 'concept accuracy', measured: ca === null ? 'n/a' : `${ca >= 0 ? 'drops' : 'rises'} ${Math.abs(ca).toFixed(1)} points`, target: 'drops <= 2 points', met: ca !== null && ca <= 2 })
  const fb = base.frechet.value
  const fp = pop.frechet.value
  const fr = fb !== null && fp !== null && fb > 0 ? fp / fb : null
  out.push({ name: 'Frechet distance (vs fair renders)', measured: fr === null ? 'n/a' : `${(100 * fr).toFixed(0)}% of base (${fp!.toFixed(2)} vs ${fb!.toFixed(2)})`, target: '<= 110% of base', met: fr !== null && fr <= 1.1 })
  return out
}
