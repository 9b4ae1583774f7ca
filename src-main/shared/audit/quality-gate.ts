// When a model has lost quality. One rule for the report's frontier, the fine-tune guard and Table 1:
// a model fails when its image fidelity gap is more than QUALITY_TOLERANCE worse than its baseline's
// (relative, with a floor so a near-perfect baseline does not turn noise into huge percentages) and the
// two intervals do not overlap (the drop is not sampling noise). Runtime-neutral: the renderer uses it.
import type { Estimate, ModelReport, Report } from './report-model'

/** A gap up to 10% above the baseline's is accepted (Table 1's quality target). */
export const QUALITY_TOLERANCE = 0.1

/**
 * Below this the fidelity gap is treated as this for the relative change: 1 is about what plainly
 * visible mild pixel noise (std 0.04 of the range) adds to clean renders.
 */
export const FIDELITY_FLOOR = 1

export interface QualityVerdict {
  /** Relative change of the fidelity gap against the baseline: 0.25 = a 25% larger gap (worse). */
  change: number
  /** The intervals do not overlap and the model's is the higher one. */
  significant: boolean
  failed: boolean
}

/** The part of an estimate the gate reads. */
export type GatedFigure = Pick<Estimate, 'value' | 'ciLow' | 'ciHigh'>

export function compareFidelity(model: GatedFigure, baseline: GatedFigure): QualityVerdict | null {
  if (model.value === null || baseline.value === null) return null
  const change = (model.value - baseline.value) / Math.max(FIDELITY_FLOOR, baseline.value)
  const significant = model.ciLow !== null && baseline.ciHigh !== null ? model.ciLow > baseline.ciHigh : false
  return { change, significant, failed: change > QUALITY_TOLERANCE && significant }
}

/** "quality dropped 35% (fidelity gap 8.9 vs 6.6 of base)" */
export function qualityDropText(v: QualityVerdict, model: Estimate, baseline: Estimate, baselineLabel: string): string {
  return `quality dropped ${Math.round(v.change * 100)}% (fidelity gap ${(model.value as number).toFixed(1)} vs ${(baseline.value as number).toFixed(1)} of ${baselineLabel})`
}

/**
 * The model a report's others are judged against: the built-in base model when the report has it,
 * else the model with the smallest fidelity gap. Null when no model has the figure.
 */
export function qualityBaseline(report: Report): ModelReport | null {
  const measured = report.models.filter((m) => m.fidelity && m.fidelity.value !== null)
  if (measured.length === 0) return null
  return measured.find((m) => m.lineage.model === 'base' && !m.lineage.training) ?? measured.reduce((a, b) => ((b.fidelity?.value as number) < (a.fidelity?.value as number) ? b : a))
}

/** Per model id: the text of its quality failure against the report's baseline, or null when it passes. */
export function qualityFailures(report: Report): Map<string, string | null> {
  const base = qualityBaseline(report)
  const out = new Map<string, string | null>()
  for (const m of report.models) {
    const v = base && m !== base && m.fidelity && base.fidelity ? compareFidelity(m.fidelity, base.fidelity) : null
    out.set(m.id, v?.failed ? qualityDropText(v, m.fidelity as Estimate, base?.fidelity as Estimate, base?.label as string) : null)
  }
  return out
}
