// Builds the audit report: for every model, coverage, concept accuracy, the Frechet distance, recall and
// per-axis discrepancy and class shares, pooled and per prompt, each with a seeded bootstrap 95% interval,
// a sentence and its evidence (image ids).

import { Rng } from '../../../random/rng'
import { askedClassMatcher, type AskedClass } from './asked-class'
import { biasCorrectedInterval, observedCounts, runBootstrap, type CountTable } from '../../../stats/bootstrap'
import { fidelityEstimate, fidelityPairs } from './fidelity'
import { frechetEstimate, prepareFrechetReference, type FrechetReference } from './frechet-estimate'
import { discrepancy, idealDistribution, proportion } from './metrics'
import {
  REPORT_SCHEMA,
  REPORT_SCHEMA_VERSION,
  type AxisReport,
  type ClassShare,
  type Coverage,
  type Distribution,
  type Estimate,
  type ModelReport,
  type PromptAxisReport,
  type PromptReport,
  type Report,
  type ReportSettings,
  type ResampleMethod,
  type StatusCounts
} from './report-model'
import { conceptSentence, coverageSentence, discrepancySentence, fidelitySentence, recallSentence, shareSentence } from './sentences'
import { IMAGE_STATUSES, type AuditAxis, type AuditModel, type AuditRecord, type BootstrapSettings, type FidelityScale, type PromptKind, type ReportInput } from './types'
import { validateReportInput } from './validate-input'

export const DEFAULT_RESAMPLES = 1000
export const DEFAULT_FRECHET_RESAMPLES = 200
const CONFIDENCE = 0.95

interface PreparedAxis {
  axis: AuditAxis
  ideal: number[]
  asked: (promptText: string) => AskedClass
}

interface PromptGroup {
  id: string
  text: string
  kind: PromptKind
  indices: Int32Array
}

export function resolveSettings(b: BootstrapSettings | undefined): ReportSettings {
  const resamples = b?.resamples ?? DEFAULT_RESAMPLES
  const frechetResamples = b?.frechetResamples ?? DEFAULT_FRECHET_RESAMPLES
  const seed = b?.seed ?? 0
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bootstrap resamples must be a positive integer, got ${String(resamples)}`)
  if (!Number.isInteger(frechetResamples) || frechetResamples < 1) throw new Error(`Frechet resamples must be a positive integer, got ${String(frechetResamples)}`)
  if (!Number.isSafeInteger(seed)) throw new Error(`bootstrap seed must be a safe integer, got ${String(seed)}`)
  return { resamples, frechetResamples, seed, confidence: CONFIDENCE }
}

export function buildReport(input: ReportInput): Report {
  validateReportInput(input)
  const settings = resolveSettings(input.bootstrap)
  const axes: PreparedAxis[] = input.axes.map((axis) => ({ axis, ideal: idealDistribution(axis), asked: askedClassMatcher(axis) }))
  const reference = input.reference ? prepareFrechetReference(input.reference) : null
  const byModel = new Map<string, AuditRecord[]>(input.models.map((m) => [m.id, []]))
  for (const r of input.records) byModel.get(r.modelId)?.push(r)
  const fidelity = input.fidelityScale ?? null
  if (!fidelity && input.records.some((r) => r.fidelity)) throw new Error('records carry fidelity evidence but the report input has no fidelityScale')
  return {
    schema: REPORT_SCHEMA,
    schemaVersion: REPORT_SCHEMA_VERSION,
    title: input.title,
    createdAt: input.createdAt ?? null,
    settings,
    axes: axes.map((a) => ({ name: a.axis.name, classes: [...a.axis.classes], ideal: a.ideal })),
    reference: input.reference ? { label: input.reference.label, images: input.reference.features.length } : null,
    fidelity: fidelity ? { reference: fidelity.reference } : null,
    models: input.models.map((m) => buildModelReport(m, byModel.get(m.id) ?? [], axes, settings, reference, fidelity))
  }
}

/** The pixel and feature fidelity figures of one model; null where no image has the evidence. */
function fidelityFigures(
  records: readonly AuditRecord[],
  scale: FidelityScale | null,
  resamples: number,
  rng: (...labels: string[]) => Rng
): { fidelity: Estimate | null; featureFidelity: Estimate | null } {
  if (!scale) return { fidelity: null, featureFidelity: null }
  const figure = (space: 'pixels' | 'features'): Estimate | null => {
    const kernelScale = space === 'pixels' ? scale.pixels : scale.features
    const pairs = fidelityPairs(
      records.map((r) => [r.imageId, r.fidelity] as const),
      space
    )
    if (!kernelScale || pairs.length === 0) return null
    return fidelityEstimate(pairs, kernelScale, resamples, rng('fidelity', space), (value, low, high, n) => fidelitySentence({ space, reference: scale.reference, value, low, high, n }))
  }
  return { fidelity: figure('pixels'), featureFidelity: figure('features') }
}

function groupByPrompt(records: readonly AuditRecord[]): PromptGroup[] {
  const groups = new Map<string, { text: string; kind: PromptKind; indices: number[] }>()
  records.forEach((r, i) => {
    let g = groups.get(r.promptId)
    if (!g) groups.set(r.promptId, (g = { text: r.promptText, kind: r.promptKind, indices: [] }))
    g.indices.push(i)
  })
  return [...groups].map(([id, g]) => ({ id, text: g.text, kind: g.kind, indices: Int32Array.from(g.indices) }))
}

/** Point value, interval, sentence and evidence of one statistic. */
function estimate(
  value: number,
  draws: Float64Array,
  n: number,
  method: ResampleMethod,
  evidence: string[],
  sentence: (value: number | null, low: number | null, high: number | null) => string
): Estimate {
  const v = Number.isFinite(value) ? value : null
  // Every count-table statistic (a share, a recall, a discrepancy) lies in [0, 1].
  const ci = v === null ? null : biasCorrectedInterval(v, draws, { min: 0, max: 1 })
  const low = ci?.low ?? null
  const high = ci?.high ?? null
  return { value: v, ciLow: low, ciHigh: high, n, method, sentence: sentence(v, low, high), evidence }
}

function idsOf(records: readonly AuditRecord[], groups: readonly PromptGroup[], cells: Int32Array, keep: (cell: number) => boolean): string[] {
  const out: string[] = []
  for (const g of groups) for (const i of g.indices) if (keep(cells[i])) out.push(records[i].imageId)
  return out
}

/** Cells of the images on one axis: the class index for 'ok' images with a class, else -1. */
function classCells(records: readonly AuditRecord[], axis: PreparedAxis): Int32Array {
  const index = new Map(axis.axis.classes.map((c, i) => [c, i]))
  return Int32Array.from(records, (r) => {
    const cls = r.axes[axis.axis.name]
    return r.status === 'ok' && cls != null ? (index.get(cls) as number) : -1
  })
}

function distributionTable(cells: Int32Array, axis: PreparedAxis): CountTable {
  const k = axis.axis.classes.length
  const stats: ((c: Float64Array) => number)[] = [(c) => discrepancy(c, axis.ideal)]
  for (let j = 0; j < k; j++) stats.push((c) => proportion(c[j], sum(c)))
  return { cells, nCells: k, statistics: stats }
}

/** Cells 1 = hit, 0 = miss, -1 = not counted; the statistic is hits / (hits + misses). */
function binaryTable(cells: Int32Array): CountTable {
  return { cells, nCells: 2, statistics: [(c) => proportion(c[1], c[0] + c[1])] }
}

function sum(c: Float64Array): number {
  let s = 0
  for (let i = 0; i < c.length; i++) s += c[i]
  return s
}

function countCells(cells: Int32Array, groups: readonly PromptGroup[], nCells: number): Float64Array {
  return observedCounts(
    { cells, nCells, statistics: [] },
    groups.map((g) => g.indices)
  )
}

function distribution(
  records: readonly AuditRecord[],
  groups: readonly PromptGroup[],
  axis: PreparedAxis,
  cells: Int32Array,
  draws: Float64Array[],
  method: ResampleMethod,
  withDiscrepancy: boolean
): Distribution {
  const classes = axis.axis.classes
  const counts = countCells(cells, groups, classes.length)
  const n = sum(counts)
  const shares = Array.from(counts, (c) => proportion(c, n))
  let okImages = 0
  for (const g of groups) for (const i of g.indices) if (records[i].status === 'ok') okImages++
  const classShares: ClassShare[] = classes.map((cls, j) => ({
    cls,
    ideal: axis.ideal[j],
    count: counts[j],
    share: estimate(
      shares[j],
      draws[j + 1],
      n,
      method,
      idsOf(records, groups, cells, (c) => c === j),
      (value, low, high) => shareSentence({ axis: axis.axis.name, cls, value, low, high, n, ideal: axis.ideal[j] })
    )
  }))
  const disc = withDiscrepancy
    ? estimate(
        discrepancy(counts, axis.ideal),
        draws[0],
        n,
        method,
        idsOf(records, groups, cells, (c) => c >= 0),
        (value, low, high) => discrepancySentence({ axis: axis.axis.name, value, low, high, n, classes, shares, ideal: axis.ideal })
      )
    : null
  return { discrepancy: disc, classes: classShares, unlabelled: okImages - n }
}

/** Null when the metric does not apply here (`applicable` false); value null when it applies but n = 0. */
function binaryEstimate(
  applicable: boolean,
  records: readonly AuditRecord[],
  groups: readonly PromptGroup[],
  cells: Int32Array,
  draws: Float64Array,
  method: ResampleMethod,
  sentence: (value: number | null, low: number | null, high: number | null, n: number) => string
): Estimate | null {
  if (!applicable) return null
  const counts = countCells(cells, groups, 2)
  const n = counts[0] + counts[1]
  return estimate(
    proportion(counts[1], n),
    draws,
    n,
    method,
    idsOf(records, groups, cells, (c) => c >= 0),
    (v, lo, hi) => sentence(v, lo, hi, n)
  )
}

function coverageOf(records: readonly AuditRecord[], groups: readonly PromptGroup[], cells: Int32Array, draws: Float64Array, method: ResampleMethod): Coverage {
  const counts = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as StatusCounts
  const evidence = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, [] as string[]])) as Record<(typeof IMAGE_STATUSES)[number], string[]>
  let total = 0
  for (const g of groups) {
    for (const i of g.indices) {
      counts[records[i].status]++
      evidence[records[i].status].push(records[i].imageId)
      total++
    }
  }
  const ratio = estimate(
    proportion(counts.ok, total),
    draws,
    total,
    method,
    idsOf(records, groups, cells, () => true),
    (value, low, high) => coverageSentence({ value, low, high, total, counts })
  )
  return { total, counts, evidence, ratio }
}

function buildModelReport(
  model: AuditModel,
  records: readonly AuditRecord[],
  axes: readonly PreparedAxis[],
  settings: ReportSettings,
  reference: FrechetReference | null,
  fidelity: FidelityScale | null
): ModelReport {
  const prompts = groupByPrompt(records)
  const neutral = prompts.filter((p) => p.kind === 'neutral')
  const specific = prompts.filter((p) => p.kind === 'specific')
  const askedByPrompt = axes.map((a) => new Map(prompts.map((p) => [p.id, p.kind === 'specific' ? a.asked(p.text) : { kind: 'none' }])))

  const coverageCells = Int32Array.from(records, (r) => (r.status === 'ok' ? 1 : 0))
  const conceptCells = Int32Array.from(records, (r) => (r.conceptCorrect === undefined ? -1 : r.conceptCorrect ? 1 : 0))
  const axisCells = axes.map((a) => classCells(records, a))
  const recallCells = axes.map((a, ai) =>
    Int32Array.from(records, (r, i) => {
      const asked = askedByPrompt[ai].get(r.promptId) as AskedClass
      const cell = axisCells[ai][i]
      if (asked.kind !== 'one' || cell < 0) return -1
      return a.axis.classes[cell] === asked.cls ? 1 : 0
    })
  )
  const overallCells = Int32Array.from(records, (_r, i) => {
    let askedAny = false
    let allHit = true
    for (let ai = 0; ai < axes.length; ai++) {
      const asked = askedByPrompt[ai].get(records[i].promptId) as AskedClass
      if (asked.kind !== 'one') continue
      askedAny = true
      if (recallCells[ai][i] < 0) return -1
      if (recallCells[ai][i] === 0) allHit = false
    }
    return askedAny ? (allHit ? 1 : 0) : -1
  })

  const rng = (...labels: string[]): Rng => Rng.derive(settings.seed, model.id, ...labels)
  const R = settings.resamples
  const idx = (gs: readonly PromptGroup[]): Int32Array[] => gs.map((g) => g.indices)

  // Pooled numbers: prompts, then images within prompts, are resampled.
  const [coverageDraws, conceptDraws] = runBootstrap({
    groups: idx(prompts),
    tables: [binaryTable(coverageCells), binaryTable(conceptCells)],
    resamples: R,
    rng: rng('all'),
    resampleGroups: true
  })
  const neutralDraws = runBootstrap({ groups: idx(neutral), tables: axes.map((a, ai) => distributionTable(axisCells[ai], a)), resamples: R, rng: rng('neutral'), resampleGroups: true })
  const specificDraws = runBootstrap({
    groups: idx(specific),
    tables: [...recallCells.map(binaryTable), binaryTable(overallCells)],
    resamples: R,
    rng: rng('specific'),
    resampleGroups: true
  })

  const pooledMethod: ResampleMethod = 'prompts+images'
  const coverage = coverageOf(records, prompts, coverageCells, coverageDraws[0], pooledMethod)
  const conceptAccuracy = binaryEstimate(
    records.some((r) => r.conceptCorrect !== undefined),
    records,
    prompts,
    conceptCells,
    conceptDraws[0],
    pooledMethod,
    (value, low, high, n) => conceptSentence({ value, low, high, n })
  )
  const recallOverall = binaryEstimate(
    askedByPrompt.some((m) => specific.some((p) => m.get(p.id)?.kind === 'one')),
    records,
    specific,
    overallCells,
    specificDraws[axes.length][0],
    pooledMethod,
    (value, low, high, n) => recallSentence({ scope: 'overall', value, low, high, n })
  )

  // Per-prompt numbers: the prompt is fixed, its images are resampled.
  const promptReports: PromptReport[] = []
  const promptAxes: PromptAxisReport[][] = axes.map(() => [])
  for (const p of prompts) {
    const tables: CountTable[] = [binaryTable(coverageCells), ...axes.map((a, ai) => distributionTable(axisCells[ai], a)), ...recallCells.map(binaryTable)]
    const draws = runBootstrap({ groups: [p.indices], tables, resamples: R, rng: rng('prompt', p.id), resampleGroups: false })
    promptReports.push({ promptId: p.id, text: p.text, kind: p.kind, coverage: coverageOf(records, [p], coverageCells, draws[0][0], 'images') })
    axes.forEach((a, ai) => {
      const asked = askedByPrompt[ai].get(p.id) as AskedClass
      promptAxes[ai].push({
        promptId: p.id,
        askedClass: asked.kind === 'one' ? asked.cls : null,
        distribution: distribution(records, [p], a, axisCells[ai], draws[1 + ai], 'images', p.kind === 'neutral'),
        recall:
          asked.kind === 'one'
            ? binaryEstimate(true, records, [p], recallCells[ai], draws[1 + axes.length + ai][0], 'images', (value, low, high, n) =>
                recallSentence({ scope: `axis ${a.axis.name}`, value, low, high, n })
              )
            : null
      })
    })
  }

  const axisReports: AxisReport[] = axes.map((a, ai) => ({
    axis: a.axis.name,
    classes: [...a.axis.classes],
    ideal: a.ideal,
    pooled: distribution(records, neutral, a, axisCells[ai], neutralDraws[ai], pooledMethod, true),
    recall: binaryEstimate(
      specific.some((p) => askedByPrompt[ai].get(p.id)?.kind === 'one'),
      records,
      specific,
      recallCells[ai],
      specificDraws[ai][0],
      pooledMethod,
      (value, low, high, n) => recallSentence({ scope: `axis ${a.axis.name}`, value, low, high, n })
    ),
    prompts: promptAxes[ai]
  }))

  return {
    id: model.id,
    label: model.label,
    lineage: model.lineage,
    images: records.length,
    coverage,
    conceptAccuracy,
    ...fidelityFigures(records, fidelity, settings.frechetResamples, rng),
    frechet: reference ? frechetEstimate(reference, records, idx(prompts), settings.frechetResamples, rng('frechet')) : null,
    recallOverall,
    prompts: promptReports,
    axes: axisReports
  }
}
