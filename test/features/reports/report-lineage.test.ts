// Reports on fine-tuned runs through the real studio: a tiny base model, a snapshot judged by two
// annotators (one disagreement), two PopAlign runs that differ in beta. The report states each run's
// full lineage (run, base checkpoint, snapshot hash and pairs, annotators with counts and agreement,
// acquisition classifier, sampling) in the JSON, HTML and PDF exports; a guidance sweep makes one
// frontier point per (run, scale), labelled with the run's beta; a foreign ONNX classifier is chosen
// through the API, and bad classifier paths get named errors.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsvLineage } from '../../../src-main/core/features/reports/writers/export-csv'
import { parseReportJson } from '../../../src-main/core/features/reports/writers/export-json'
import { createSnapshot } from '../../../src-main/core/features/preference-data/snapshots/service'
import { betasDiffer, frontierPoints, frontierSeries } from '../../../src-main/shared/audit/frontier'
import { solidPng, writeForeignClassifier } from '../../classifier/fixtures'
import { jobFinished, open, tempRoot, type TestStudio } from '../models/helpers'
import { judgedSnapshot, NEUTRAL } from '../fine-tuning/fixture'
import { inspectPdf } from './pdf-inspect'

const root = tempRoot('report-lineage-')
const baseDir = join(root.dir, 'base-model')
const ws = join(root.dir, 'ws')
let s: TestStudio
let projectId = 0
let snapshotId = 0
const runs: { id: number; number: number; beta: number }[] = []

const finished = (jobId: number) => jobFinished(s, jobId, 90_000)

let baseStep = 0

beforeAll(async () => {
  // The shipped base model (a copy): it draws figures the classifier detects, so the sweep has numbers.
  mkdirSync(baseDir, { recursive: true })
  copyFileSync(join('resources', 'models', 'base', 'base.ckpt'), join(baseDir, 'base.ckpt'))
  s = await open(ws, { baseModelDir: baseDir })
  projectId = (await s.call('projects.create', { name: 'Lineage' })).id
  baseStep = (await s.call('models.list', {})).find((m) => m.id === 'base')!.step
  const w = s.studio.workspace
  // The owner prefers set a on all three pairs; a second annotator agrees twice and disagrees once.
  await judgedSnapshot(w, ws, projectId)
  const ana = w.annotators.create('ana')
  const pairIds = (w.db.prepare('SELECT id FROM set_pairs WHERE project_id = ? ORDER BY id').all(projectId) as { id: number }[]).map((r) => r.id)
  pairIds.forEach((pairId, i) =>
    w.judgements.record({ pairId, annotatorId: ana.id, criterion: 'fairness', choice: i === 2 ? 'b' : 'a', shownLeft: 'a', responseMs: 700, idempotencyKey: `ana-${pairId}` })
  )
  snapshotId = createSnapshot(w, projectId, 'fairness', 'two annotators').id
  for (const beta of [1000, 5000]) {
    const job = await s.call('finetune.start', {
      projectId,
      snapshotId,
      base: 'base',
      method: 'popalign',
      settings: { steps: 10, batchSize: 4, learningRate: 1e-4, beta, checkpointEvery: 10, seed: 3 }
    })
    const done = await finished(job.id)
    expect(done.state, done.error ?? '').toBe('done')
    runs.push({ id: job.id, number: job.number, beta })
  }
}, 240_000)

afterAll(async () => {
  await s?.close()
  root.remove()
})

describe('report lineage of fine-tuned runs', () => {
  it('names the run, base checkpoint, snapshot, annotators with agreement and sampling in JSON, HTML, PDF and CSV', async () => {
    const run = runs[0]
    const model = `run:${run.id}@10`
    const job = await s.call('report.start', { projectId, sources: [{ kind: 'model', model, label: 'PopAlign' }], prompts: [NEUTRAL], count: 3, seedStart: 4, steps: 3, guidance: 2, resamples: 50 })
    const done = await finished(job.id)
    expect(done.state, done.error ?? '').toBe('done')
    const report = await s.call('report.get', { reportId: job.id })
    const snapshot = await s.call('snapshots.get', { snapshotId })
    const l = report.models[0].lineage
    expect(l).toMatchObject({ model, seeds: [4, 5, 6], steps: 3, guidance: 2, promptTexts: [NEUTRAL], classifier: { id: 'popalign-world-classifier' } })
    expect(l.sampler).toMatch(/^ddim 3 steps/)
    expect(l.training).toMatchObject({
      runId: run.id,
      label: `Run ${run.number}`,
      method: 'popalign',
      preset: 'paper-scaled',
      beta: 1000,
      alpha: 0.5,
      steps: 10,
      checkpointStep: 10,
      seed: 3,
      base: { model: 'base', step: baseStep }
    })
    expect(l.training?.backend).toMatch(/^onnxruntime-node /)
    expect(l.training?.codeVersion).toMatch(/^popalign-studio@/)
    expect(l.training?.base?.checkpoint).toBe(join(baseDir, 'base.ckpt'))
    const snap = l.training!.snapshot!
    // Pair 3 is a vote tie (a against b), so two of the three judged pairs are used: 2 x 3 winner-loser image pairs.
    expect(snap).toMatchObject({ id: snapshotId, name: 'two annotators', criterion: 'fairness', contentSha256: snapshot.contentSha256, pairsUsed: 2, pairsJudged: 3, trainingPairs: 6 })
    expect(snap.annotators.map((a) => [a.name, a.judgements])).toEqual([
      ['owner', 3],
      ['ana', 3]
    ])
    // Units [a,a], [a,a], [a,b]: agreement (1 + 1 + 0) / 3; alpha by hand: n = 6, o_aa = 4,
    // D_o = 6 - 4 = 2, D_e = 36 - (25 + 1) = 10, alpha = 1 - 5 * 2 / 10 = 0.
    expect(snap.agreement.pairs).toBe(3)
    expect(snap.agreement.percent).toBeCloseTo(2 / 3, 12)
    expect(snap.agreement.alpha).toBeCloseTo(0, 12)
    expect(snap.acquisitionClassifiers).toEqual([])
    expect(l.agreement).toBeCloseTo(0, 12)
    expect(l.snapshot).toContain(snapshot.contentSha256)

    // Every export carries it.
    const out = (ext: string) => join(root.dir, `lineage.${ext}`)
    for (const format of ['json', 'html', 'pdf', 'csv'] as const) await s.call('report.export', { reportId: job.id, format, outPath: out(format) })
    expect(parseReportJson(readFileSync(out('json'), 'utf8')).models[0].lineage.training).toEqual(l.training)
    const html = readFileSync(out('html'), 'utf8')
    expect(html).toContain(`<tr data-key="training_run"><th>training run</th><td>Run ${run.number}: popalign (preset paper-scaled); beta 1000, alpha 0.5; 10 steps`)
    expect(html).toContain(snapshot.contentSha256)
    expect(html).toContain('ana (human, 3 judgements)')
    expect(html).toContain('66.7% agreement, Krippendorff&#39;s alpha 0')
    const pdf = inspectPdf(readFileSync(out('pdf'))).pageTexts[0].replace(/\s+/g, ' ')
    expect(pdf).toContain(`training run: Run ${run.number}: popalign`)
    expect(pdf).toContain(`sha256 ${snapshot.contentSha256}; 2 of 3 judged pairs used, 6 winner-loser image pairs`)
    expect(pdf).toContain('annotators: owner (human, 3 judgements), ana (human, 3 judgements)')
    expect(pdf).toContain("annotator agreement: 66.7% agreement, Krippendorff's alpha 0")
    expect(pdf).toContain(`base checkpoint: base (step ${baseStep})`)
    expect(pdf).toContain('sampling steps: 3')
    const csv = Object.fromEntries(parseCsvLineage(readFileSync(out('csv'), 'utf8')).map((r) => [r.key, r.value]))
    expect(csv.snapshot).toContain(snapshot.contentSha256)
    expect(csv.guidance).toBe('2')
  }, 120_000)

  it('a guidance sweep over runs that differ in beta gives one frontier point per (run, scale), labelled with beta', async () => {
    const sources = runs.map((r) => ({ kind: 'model' as const, model: `run:${r.id}@10`, label: `β${r.beta}` }))
    const job = await s.call('report.start', { projectId, sources, prompts: [NEUTRAL], count: 6, steps: 10, guidances: [1, 4], resamples: 50 })
    const done = await finished(job.id)
    expect(done.state, done.error ?? '').toBe('done')
    const report = await s.call('report.get', { reportId: job.id })
    expect(report.models.map((m) => [m.label, m.lineage.guidance, m.lineage.training?.beta])).toEqual([
      ['β1000 · guidance 1', 1, 1000],
      ['β1000 · guidance 4', 4, 1000],
      ['β5000 · guidance 1', 1, 5000],
      ['β5000 · guidance 4', 4, 5000]
    ])
    // One sampling job per (run, scale), each at its scale.
    const samples = s.studio.workspace.jobs.list(projectId).filter((j) => j.kind === 'sample' && j.id > job.id)
    expect(samples.map((j) => (j.payload as { guidance?: number } | null)?.guidance ?? null).sort()).toEqual([1, 1, 4, 4])
    expect(betasDiffer(report)).toBe(true)
    const axis = report.axes[0].name
    for (const q of ['frechet', 'conceptAccuracy'] as const) {
      const points = frontierPoints(report, axis, q)
      expect(points).toHaveLength(4)
      expect(points.map((p) => p.tag)).toEqual(['β1000, β 1000, g 1', 'β1000, β 1000, g 4', 'β5000, β 5000, g 1', 'β5000, β 5000, g 4'])
      expect(points.some((p) => p.pareto)).toBe(true)
      expect(frontierSeries(report, points).map((x) => x.points.map((p) => p.guidance))).toEqual([
        [1, 4],
        [1, 4]
      ])
    }
    await expect(s.call('report.start', { projectId, sources, prompts: [NEUTRAL], guidances: [2, 2] })).rejects.toThrow(/guidance scale 2 is listed twice/)
  }, 120_000)
})

describe('foreign classifier through the API', () => {
  it('audits workspace images with a foreign ONNX model and mapping, and names what is wrong with bad paths', async () => {
    const w = s.studio.workspace
    const p = (await s.call('projects.create', { name: 'Foreign' })).id
    w.axes.save(p, 'gender', ['male', 'female'], null)
    w.axes.save(p, 'race', ['asian', 'white', 'black'], null)
    const prompt = 'a photo of a person'
    const promptId = w.prompts.ensure({ projectId: p, text: prompt }).id
    const colours: [number, number, number][] = [
      [255, 0, 0],
      [250, 10, 10],
      [0, 0, 255],
      [0, 0, 0]
    ]
    for (const [i, rgb] of colours.entries()) {
      const file = await solidPng(join(root.dir, `solid-${i}.png`), rgb)
      const bytes = readFileSync(file)
      w.images.add({
        projectId: p,
        promptId,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        filePath: file,
        rootPath: root.dir,
        width: 32,
        height: 32,
        bytes: bytes.length,
        seed: i,
        generator: 'fixture'
      })
    }
    const mappingPath = writeForeignClassifier(root.dir)
    const job = await s.call('report.start', {
      projectId: p,
      sources: [{ kind: 'images', label: 'solid' }],
      prompts: [prompt],
      classifier: { mappingPath, onnxPath: join(root.dir, 'foreign.onnx') },
      resamples: 50
    })
    const done = await finished(job.id)
    expect(done.state, done.error ?? '').toBe('done')
    const report = await s.call('report.get', { reportId: job.id })
    const m = report.models[0]
    expect(m.lineage.classifier).toEqual({ id: 'foreign-face', version: '0.0.89-test' })
    expect(m.coverage.counts).toMatchObject({ ok: 3, no_detection: 1 })
    expect(m.frechet).toBeNull()
    expect(m.axes.find((a) => a.axis === 'gender')?.pooled.classes.map((c) => [c.cls, c.count])).toEqual([
      ['male', 1],
      ['female', 2]
    ])

    const start = (classifier: object) => s.call('report.start', { projectId: p, sources: [{ kind: 'images', label: 'solid' }], prompts: [prompt], classifier } as never)
    await expect(start({ mappingPath: 'foreign.mapping.json' })).rejects.toThrow(/mapping path must be absolute/)
    await expect(start({ mappingPath, onnxPath: 'foreign.onnx' })).rejects.toThrow(/ONNX path must be absolute/)
    await expect(start({ mappingPath: join(root.dir, 'nope.json') })).rejects.toThrow(/classifier mapping file not found: .*nope\.json/)
    await expect(start({ mappingPath: root.dir })).rejects.toThrow(/is a folder; give the mapping JSON file/)
    await expect(start({ mappingPath, onnxPath: join(root.dir, 'missing.onnx') })).rejects.toThrow(/classifier ONNX model file not found: .*missing\.onnx/)
    writeFileSync(join(root.dir, 'broken.mapping.json'), '{ not json')
    await expect(start({ mappingPath: join(root.dir, 'broken.mapping.json') })).rejects.toThrow(/broken\.mapping\.json/)
  }, 60_000)
})
