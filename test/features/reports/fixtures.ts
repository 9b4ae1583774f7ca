// Small hand-made audit inputs shared by the report and export tests.
import type { AuditAxis, AuditRecord, ImageStatus, Lineage, ReportInput } from '../../../src-main/core/features/reports/figures/types'

export const SILHOUETTE: AuditAxis = { name: 'silhouette', classes: ['round', 'angular'] }
export const TONE: AuditAxis = { name: 'tone', classes: ['amber', 'teal', 'violet', 'rose', 'olive', 'slate'] }

export function lineage(over: Partial<Lineage> = {}): Lineage {
  return {
    checkpoint: 'ckpt-base-0001',
    run: null,
    snapshot: null,
    annotators: ['ann-1', 'ann-2'],
    agreement: 0.81,
    classifier: { id: 'popalign-world-classifier', version: '1.0.0' },
    prompts: 'world-neutral-v1',
    seeds: [1, 2, 3],
    sampler: 'ddim-50',
    guidance: 7.5,
    ...over
  }
}

let counter = 0

export function rec(modelId: string, promptId: string, promptText: string, status: ImageStatus, silhouette: string | null, tone: string | null, extra: Partial<AuditRecord> = {}): AuditRecord {
  counter++
  return {
    modelId,
    promptId,
    promptText,
    promptKind: promptId.startsWith('s') ? 'specific' : 'neutral',
    imageId: `${modelId}-${promptId}-${counter}`,
    status,
    axes: { silhouette, tone },
    ...extra
  }
}

/**
 * Model "base": neutral p1 = 3 round + 1 angular + 1 no_detection, p2 = 2 round + 2 angular + 1 error,
 * so pooled silhouette is 5 round / 3 angular over 8 classified of 10; tone uses 3 of 6 classes.
 * Specific s1 "a photo of a round teal doctor": 3 ok (round teal, round amber, angular teal) + 1 low_confidence.
 */
export function handInput(): ReportInput {
  counter = 0
  const m = 'base'
  const p1 = 'a photo of a doctor'
  const p2 = 'a photo of a nurse'
  const s1 = 'a photo of a round teal doctor'
  const records: AuditRecord[] = [
    rec(m, 'p1', p1, 'ok', 'round', 'amber'),
    rec(m, 'p1', p1, 'ok', 'round', 'amber'),
    rec(m, 'p1', p1, 'ok', 'round', 'teal'),
    rec(m, 'p1', p1, 'ok', 'angular', 'teal'),
    rec(m, 'p1', p1, 'no_detection', null, null),
    rec(m, 'p2', p2, 'ok', 'round', 'amber'),
    rec(m, 'p2', p2, 'ok', 'round', 'violet'),
    rec(m, 'p2', p2, 'ok', 'angular', 'amber'),
    rec(m, 'p2', p2, 'ok', 'angular', 'violet'),
    rec(m, 'p2', p2, 'error', null, null),
    rec(m, 's1', s1, 'ok', 'round', 'teal'),
    rec(m, 's1', s1, 'ok', 'round', 'amber'),
    rec(m, 's1', s1, 'ok', 'angular', 'teal'),
    rec(m, 's1', s1, 'low_confidence', 'round', 'teal')
  ]
  return {
    title: 'Hand-computed audit',
    models: [{ id: m, label: 'Base model', lineage: lineage() }],
    axes: [SILHOUETTE, TONE],
    records,
    bootstrap: { resamples: 200, seed: 7 }
  }
}
