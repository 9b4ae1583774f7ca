import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src-main/core/random/rng'
import { percentileInterval, runBootstrap } from '../../../src-main/core/stats/bootstrap'
import { buildReport } from '../../../src-main/core/features/reports/figures/report'
import type { AuditRecord, ReportInput } from '../../../src-main/core/features/reports/figures/types'
import { handInput, lineage, rec, SILHOUETTE, TONE } from './fixtures'

describe('bootstrap', () => {
  const binary = (cells: number[]) => ({ cells: Int32Array.from(cells), nCells: 2, statistics: [(c: Float64Array) => c[1] / (c[0] + c[1])] })

  it('percentile interval interpolates order statistics and ignores NaN draws', () => {
    const draws = Float64Array.from({ length: 101 }, (_, i) => i)
    const ci = percentileInterval(draws)!
    expect(ci.low).toBeCloseTo(2.5, 10)
    expect(ci.high).toBeCloseTo(97.5, 10)
    expect(percentileInterval(Float64Array.from([NaN, 1, 1, NaN]))).toEqual({ low: 1, high: 1 })
    expect(percentileInterval(Float64Array.from([NaN, NaN]))).toBeNull()
  })

  it('is deterministic per seed and differs across seeds', () => {
    const groups = [Int32Array.from([0, 1, 2]), Int32Array.from([3, 4, 5])]
    const table = binary([1, 0, 1, 1, 1, 0])
    const run = (seed: number) => runBootstrap({ groups, tables: [table], resamples: 50, rng: new Rng(seed), resampleGroups: true })[0][0]
    expect(Array.from(run(1))).toEqual(Array.from(run(1)))
    expect(Array.from(run(1))).not.toEqual(Array.from(run(2)))
  })

  it('resampling prompts adds the between-prompt spread that image-only resampling misses', () => {
    // Two pure prompts: all hits in one, all misses in the other. Within a prompt nothing varies.
    const groups = [Int32Array.from([0, 1, 2, 3]), Int32Array.from([4, 5, 6, 7])]
    const table = binary([1, 1, 1, 1, 0, 0, 0, 0])
    const imagesOnly = runBootstrap({ groups, tables: [table], resamples: 400, rng: new Rng(1), resampleGroups: false })[0][0]
    const hierarchical = runBootstrap({ groups, tables: [table], resamples: 400, rng: new Rng(1), resampleGroups: true })[0][0]
    expect(new Set(imagesOnly)).toEqual(new Set([0.5]))
    expect(new Set(hierarchical)).toEqual(new Set([0, 0.5, 1]))
  })
})

describe('buildReport on a hand-computed audit', () => {
  const report = buildReport(handInput())
  const model = report.models[0]
  const silhouette = model.axes[0]
  const tone = model.axes[1]

  it('counts every status in coverage, with the image ids behind each', () => {
    expect(model.images).toBe(14)
    expect(model.coverage.total).toBe(14)
    expect(model.coverage.counts).toEqual({ ok: 11, no_detection: 1, low_confidence: 1, error: 1 })
    expect(model.coverage.ratio.value).toBeCloseTo(11 / 14, 12)
    expect(model.coverage.evidence.error).toHaveLength(1)
    expect(model.coverage.ratio.sentence).toContain('11 of 14 images classified; 1 without detection, 1 low confidence, 1 error')
  })

  it('pools silhouette over all neutral images, not a mean of prompts', () => {
    // 5 round, 3 angular of 8 -> shares .625/.375, discrepancy sqrt(2 * .125^2).
    const d = silhouette.pooled.discrepancy!
    expect(d.value).toBeCloseTo(Math.sqrt(2 * 0.125 ** 2), 12)
    expect(d.n).toBe(8)
    expect(d.evidence).toHaveLength(8)
    expect(d.method).toBe('prompts+images')
    expect(d.ciLow!).toBeLessThanOrEqual(d.value!)
    expect(d.ciHigh!).toBeGreaterThanOrEqual(d.value!)
    expect(d.sentence).toMatch(/^axis silhouette discrepancy 0\.18 \[\d\.\d\d, \d\.\d\d\]: 63% round against an ideal 50% \(8 classified images\)$/)
    expect(silhouette.pooled.classes.map((c) => c.count)).toEqual([5, 3])
    expect(silhouette.pooled.classes[0].share.evidence).toHaveLength(5)
  })

  it('counts absent tone classes as zero over the full class list', () => {
    // Neutral tone: amber 4, teal 2, violet 2, rose/olive/slate 0 over 8.
    const shares = [4 / 8, 2 / 8, 2 / 8, 0, 0, 0]
    const expected = Math.sqrt(shares.reduce((s, p) => s + (p - 1 / 6) ** 2, 0))
    expect(tone.pooled.discrepancy!.value).toBeCloseTo(expected, 12)
    expect(tone.pooled.classes.map((c) => c.cls)).toEqual(TONE.classes)
    expect(tone.pooled.classes[3].share.value).toBe(0)
    expect(tone.pooled.classes[3].share.evidence).toEqual([])
  })

  it('reports per-prompt discrepancy on neutral prompts only, with image-only resampling', () => {
    const p1 = silhouette.prompts.find((p) => p.promptId === 'p1')!
    expect(p1.distribution.discrepancy!.value).toBeCloseTo(Math.sqrt(2 * 0.25 ** 2), 12) // 3 round, 1 angular
    expect(p1.distribution.discrepancy!.method).toBe('images')
    const s1 = silhouette.prompts.find((p) => p.promptId === 's1')!
    expect(s1.distribution.discrepancy).toBeNull()
    expect(s1.askedClass).toBe('round')
  })

  it('computes recall per axis and overall on identity-specific prompts (ok images only)', () => {
    // s1 asks round + teal; ok images: (round, teal) (round, amber) (angular, teal).
    expect(silhouette.recall!.value).toBeCloseTo(2 / 3, 12)
    expect(tone.recall!.value).toBeCloseTo(2 / 3, 12)
    expect(model.recallOverall!.value).toBeCloseTo(1 / 3, 12)
    expect(model.recallOverall!.n).toBe(3)
    expect(model.conceptAccuracy).toBeNull()
    expect(model.frechet).toBeNull()
  })

  it('is reproducible for one seed and changes with the seed', () => {
    const again = buildReport(handInput())
    expect(JSON.stringify(again)).toBe(JSON.stringify(report))
    const other = buildReport({ ...handInput(), bootstrap: { resamples: 200, seed: 8 } })
    expect(other.models[0].axes[0].pooled.discrepancy!.value).toBe(silhouette.pooled.discrepancy!.value)
    const intervals = (r: typeof report) => r.models[0].axes.map((a) => [a.pooled.discrepancy!.ciLow, a.pooled.discrepancy!.ciHigh])
    expect(intervals(other)).not.toEqual(intervals(report))
  })

  it('returns a null value with an explaining sentence when nothing was classified', () => {
    const input = handInput()
    const onlyFailures = input.records.map((r) => ({ ...r, status: 'no_detection' as const, axes: { silhouette: null, tone: null } }))
    const r = buildReport({ ...input, records: onlyFailures })
    const d = r.models[0].axes[0].pooled.discrepancy!
    expect(d.value).toBeNull()
    expect(d.ciLow).toBeNull()
    expect(d.sentence).toContain('no image was classified')
    expect(r.models[0].coverage.ratio.value).toBe(0)
  })
})

describe('buildReport with a model that has no images', () => {
  it('reports n = 0 and explains instead of failing or inventing numbers', () => {
    const input = handInput()
    const report = buildReport({ ...input, models: [...input.models, { id: 'empty', label: 'Empty', lineage: lineage() }] })
    const empty = report.models[1]
    expect(empty.images).toBe(0)
    expect(empty.coverage.ratio.value).toBeNull()
    expect(empty.coverage.ratio.sentence).toBe('coverage: no images')
    expect(empty.axes[0].pooled.discrepancy!.value).toBeNull()
    expect(empty.axes[0].recall).toBeNull()
    expect(empty.recallOverall).toBeNull()
    expect(report.models[0].axes[0].pooled.discrepancy!.value).toBeCloseTo(Math.sqrt(2 * 0.125 ** 2), 12)
  })
})

describe('buildReport input checks', () => {
  const base = handInput()
  const withRecord = (over: Partial<AuditRecord>): ReportInput => ({ ...base, records: [...base.records, { ...base.records[0], imageId: 'new', ...over }] })

  it.each([
    ['unknown model', withRecord({ modelId: 'ghost' }), /names a model that is not in the report/],
    ['duplicate image', withRecord({ imageId: base.records[0].imageId }), /appears twice/],
    ['bad status', withRecord({ status: 'skipped' as never }), /status "skipped"/],
    ['class outside the axis', withRecord({ axes: { silhouette: 'square', tone: null } }), /predicts "square" on axis "silhouette"/],
    ['unknown axis', withRecord({ axes: { height: 'tall' } }), /unknown axis "height"/],
    ['prompt id with two texts', withRecord({ promptText: 'another text' }), /prompt "p1" has two different texts/],
    ['no models', { ...base, models: [] }, /at least one model/],
    ['bad ideal', { ...base, axes: [{ ...SILHOUETTE, ideal: [0.9, 0.2] }, TONE] }, /must sum to 1/],
    ['bad resamples', { ...base, bootstrap: { resamples: 0 } }, /positive integer/]
  ])('%s', (_name, input, message) => {
    expect(() => buildReport(input)).toThrow(message)
  })
})

describe('buildReport with features and concept verdicts', () => {
  it('gives a Frechet distance near 0 for the reference itself and larger for a shifted model', () => {
    const rng = new Rng(9)
    const ref = Array.from({ length: 60 }, () => rng.fillNormal(new Float32Array(4)))
    const records: AuditRecord[] = []
    for (let i = 0; i < 60; i++) {
      const p = `p${i % 3}`
      records.push(rec('same', p, `prompt ${p}`, 'ok', 'round', 'amber', { features: ref[i], conceptCorrect: i % 4 !== 0 }))
      const shifted = Float32Array.from(ref[i], (x: number) => x + 2)
      records.push(rec('shifted', p, `prompt ${p}`, 'ok', 'round', 'amber', { features: shifted }))
    }
    const report = buildReport({
      title: 'features',
      models: [
        { id: 'same', label: 'Same', lineage: lineage() },
        { id: 'shifted', label: 'Shifted', lineage: lineage() }
      ],
      axes: [SILHOUETTE, TONE],
      records,
      reference: { label: 'fair renders', features: ref },
      bootstrap: { resamples: 100, frechetResamples: 50, seed: 1 }
    })
    const [same, shifted] = report.models
    expect(same.frechet!.value!).toBeLessThan(1e-5)
    expect(shifted.frechet!.value!).toBeCloseTo(4, 4) // mean shift of 2 in 4 dims, same covariance
    expect(shifted.frechet!.ciLow!).toBeLessThanOrEqual(shifted.frechet!.value! + 1e-9)
    expect(shifted.frechet!.evidence).toHaveLength(60)
    expect(same.conceptAccuracy!.value).toBeCloseTo(45 / 60, 12)
    expect(shifted.conceptAccuracy).toBeNull()
    expect(report.reference).toEqual({ label: 'fair renders', images: 60 })
  })
})

describe('bootstrap speed', () => {
  it('audits 10,000 images (100 prompts, 2 axes) with 1000 resamples in a few seconds', () => {
    const rng = new Rng(2)
    const records: AuditRecord[] = []
    for (let p = 0; p < 100; p++) {
      for (let i = 0; i < 100; i++) {
        const ok = rng.uniform() < 0.95
        records.push(rec('m', `p${p}`, `prompt ${p}`, ok ? 'ok' : 'no_detection', ok ? SILHOUETTE.classes[rng.int(2)] : null, ok ? TONE.classes[rng.int(6)] : null))
      }
    }
    const started = performance.now()
    const report = buildReport({ title: 'speed', models: [{ id: 'm', label: 'M', lineage: lineage() }], axes: [SILHOUETTE, TONE], records })
    const seconds = (performance.now() - started) / 1000
    expect(report.settings.resamples).toBe(1000)
    expect(report.models[0].axes[0].pooled.discrepancy!.n).toBeGreaterThan(9000)
    expect(seconds).toBeLessThan(20)
    console.log(`audit of 10,000 images with 1000 resamples: ${seconds.toFixed(2)} s`)
  })
})
