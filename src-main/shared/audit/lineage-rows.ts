// A model's lineage as labelled rows of plain text, in one order, so the report view, the HTML, the
// PDF and the CSV header say exactly the same thing. Fields a schema-1 report lacks are left out.
import type { Lineage, SnapshotLineage, TrainingLineage } from './report-model'

export interface LineageRow {
  /** Stable key (the CSV comment and the e2e test read it). */
  key: string
  label: string
  value: string
}

function num(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : Number(v.toFixed(digits)).toString()
}

function seedsText(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'none'
  const sorted = [...seeds].sort((a, b) => a - b)
  const contiguous = sorted.every((s, i) => i === 0 || s === sorted[i - 1] + 1)
  return contiguous && sorted.length > 3 ? `${sorted[0]}–${sorted[sorted.length - 1]} (${sorted.length})` : sorted.join(', ')
}

export function trainingText(t: TrainingLineage): string {
  const hyper = [t.beta !== null ? `beta ${t.beta}` : null, t.alpha !== null ? `alpha ${t.alpha}` : null].filter(Boolean).join(', ')
  return [
    `${t.label ?? `run ${t.runId}`}: ${t.method}${t.preset ? ` (preset ${t.preset})` : ''}`,
    hyper || null,
    `${t.steps} steps${t.checkpointStep !== null ? `, audited at step ${t.checkpointStep}` : ''}`,
    `seed ${t.seed}`,
    `backend ${t.backend ?? 'unknown'}`,
    `code ${t.codeVersion ?? 'unknown'}`
  ]
    .filter(Boolean)
    .join('; ')
}

export function agreementText(s: SnapshotLineage): string {
  const a = s.agreement
  if (a.pairs === 0) return `not measured (no pair judged by two or more annotators)`
  const alpha =
    a.alpha === null
      ? 'alpha undefined (no variation in answers)'
      : `Krippendorff's alpha ${num(a.alpha)}${a.alphaLow !== null && a.alphaHigh !== null ? ` [${num(a.alphaLow)}, ${num(a.alphaHigh)}]` : ''}`
  return `${num(a.percent === null ? null : a.percent * 100, 1)}% agreement, ${alpha}, over ${a.pairs} pair${a.pairs === 1 ? '' : 's'} judged by several annotators`
}

export function lineageRows(l: Lineage): LineageRow[] {
  const rows: LineageRow[] = []
  const add = (key: string, label: string, value: string): void => void rows.push({ key, label, value })
  if (l.model !== undefined) add('model', 'model', l.model ?? 'image set (no model)')
  if (l.origin) add('origin', 'images drawn by', l.origin)
  add('checkpoint', 'checkpoint', l.checkpoint ?? 'none')
  const t = l.training
  if (t) {
    add('training_run', 'training run', trainingText(t))
    add('base_checkpoint', 'base checkpoint', t.base ? `${t.base.model} (step ${t.base.step}): ${t.base.checkpoint}` : 'none (trained from scratch)')
    const s = t.snapshot
    if (s) {
      add(
        'snapshot',
        'preference snapshot',
        // By its name, as the Preferences screen lists it: the database id means nothing to a reader.
        `"${s.name}" (${s.criterion}), sha256 ${s.contentSha256}; ${s.pairsUsed} of ${s.pairsJudged} judged pairs used${s.trainingPairs !== null ? `, ${s.trainingPairs} winner-loser image pairs` : ''}`
      )
      add('annotators', 'annotators', s.annotators.length ? s.annotators.map((a) => `${a.name} (${a.kind}, ${a.judgements} judgement${a.judgements === 1 ? '' : 's'})`).join(', ') : 'none')
      add('agreement', 'annotator agreement', agreementText(s))
      add(
        'acquisition_classifier',
        'acquisition classifier',
        s.acquisitionClassifiers.length ? s.acquisitionClassifiers.map((c) => `${c.id} ${c.version} (${c.images} images)`).join(', ') : 'none (no automatic judge)'
      )
    } else {
      add('snapshot', 'preference snapshot', 'none (not a preference fine-tuning run)')
    }
  } else {
    add('training_run', 'training run', l.run ?? 'none')
    add('snapshot', 'preference snapshot', l.snapshot ?? 'none')
    add('annotators', 'annotators', l.annotators.length ? l.annotators.join(', ') : 'none')
    add('agreement', 'annotator agreement', l.agreement === null ? 'not measured' : num(l.agreement))
  }
  add('classifier', 'audit classifier', `${l.classifier.id} ${l.classifier.version}`)
  if (l.classifier.notice) add('classifier-notice', 'what the classifier reports', l.classifier.notice)
  add('prompts', 'prompts', l.promptTexts && l.promptTexts.length ? `${l.prompts}: ${l.promptTexts.map((p) => `"${p}"`).join('; ')}` : l.prompts)
  add('seeds', 'seeds', seedsText(l.seeds))
  add('sampler', 'sampler', l.sampler ?? 'n/a')
  if (l.steps !== undefined) add('steps', 'sampling steps', l.steps === null ? 'n/a' : String(l.steps))
  add('guidance', 'guidance scale', l.guidance === null ? 'n/a' : String(l.guidance))
  return rows
}
