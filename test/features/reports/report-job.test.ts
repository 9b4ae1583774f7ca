// Report jobs through the real studio: a report on imported world images (numbers match the stored
// verdicts), a report job stopped right after its first committed batch of verdicts resumes after a
// reopen without classifying an image twice, a report comparing a tiny trained checkpoint with
// workspace images (sampled through the engine's sampling job, with lineage), and exports with path
// validation. Fine-tuned runs, guidance sweeps and foreign classifiers: report-lineage.test.ts.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseReportJson } from '../../../src-main/core/features/reports/writers/export-json'
import { createAuditService } from '../../../src-main/core/features/reports/service'
import { openWorkspace } from '../../../src-main/core/store/open'
import { createJobRunner } from '../../../src-main/core/jobs/runner'
import { WORKSPACE_DB_FILE } from '../../../src-main/core/studio'
import { writeWorldSample } from '../../../src-main/core/world/sample-folder'
import { jobFinished, open, tempRoot, type TestStudio } from '../models/helpers'
import { testConfig } from '../../helpers/config'

const root = tempRoot('report-job-')
const ws = join(root.dir, 'ws')
const folder = join(root.dir, 'world')
const prompts = ['a photo of a doctor', 'a photo of a nurse']
let projectId = 0

afterAll(() => root.remove())

const finished = (s: TestStudio, jobId: number, timeoutMs = 60_000) => jobFinished(s, jobId, timeoutMs)

const verdictTimesIn = (db: Database.Database): Map<number, string> =>
  new Map((db.prepare('SELECT image_id, created_at FROM image_classifications').all() as { image_id: number; created_at: string }[]).map((r) => [r.image_id, r.created_at]))
const verdictTimes = (s: TestStudio): Map<number, string> => verdictTimesIn(s.studio.workspace.db)

beforeAll(async () => {
  await writeWorldSample({ outDir: folder, prompts, perPrompt: 40, seed: 2 })
  const s = await open(ws)
  try {
    projectId = (await s.call('projects.create', { name: 'Reports' })).id
    const job = await s.call('import.start', { projectId, folder })
    expect((await finished(s, job.id)).state).toBe('done')
  } finally {
    await s.close()
  }
})

describe('report jobs', () => {
  it('audit imported images: the report matches the stored verdicts, and exports are written', async () => {
    const s = await open(ws)
    try {
      const job = await s.call('report.start', { projectId, sources: [{ kind: 'images', label: 'world sample' }], prompts, resamples: 200 })
      expect(job).toMatchObject({ kind: 'audit', total: 81 })
      const done = await finished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      expect(done.done).toBe(done.total)

      const list = await s.call('report.list', { projectId })
      expect(list[0]).toMatchObject({ reportId: job.id, state: 'done', sources: ['world sample'], prompts: 2 })
      const report = await s.call('report.get', { reportId: job.id })
      const m = report.models[0]
      expect(m).toMatchObject({ label: 'world sample', images: 80 })
      expect(m.lineage.classifier.id).toBe('popalign-world-classifier')
      expect(m.lineage.seeds).toEqual([2])
      // Counted in words, not "2 prompt(s)"; and the default title counts the same way.
      expect(m.lineage.prompts).toMatch(/^2 prompts of project "/)
      expect(list[0].title).toMatch(/^world sample on 2 prompts of /)
      expect(m.frechet?.value).not.toBeNull()

      // Hand count from the verdict table: pooled tone counts over the 80 images.
      const rows = s.studio.workspace.db.prepare("SELECT json_extract(attributes, '$.tone') AS tone, count(*) AS n FROM image_classifications WHERE status = 'ok' GROUP BY tone").all() as {
        tone: string
        n: number
      }[]
      const tone = m.axes.find((a) => a.axis === 'tone')!
      for (const c of tone.pooled.classes) expect(c.count).toBe(rows.find((r) => r.tone === c.cls)?.n ?? 0)
      // Evidence ids are workspace image ids (the renderer opens their thumbnails).
      const images = await s.call('images.list', { projectId, limit: 500 })
      const known = new Set(images.items.map((i) => String(i.id)))
      for (const id of tone.pooled.classes.flatMap((c) => c.share.evidence)) expect(known.has(id)).toBe(true)

      const html = join(root.dir, 'report.html')
      const written = await s.call('report.export', { reportId: job.id, format: 'html', outPath: html })
      expect(written.bytes).toBeGreaterThan(1000)
      expect(readFileSync(html, 'utf8')).toContain('data:image/png;base64,')
      const json = join(root.dir, 'report.json')
      await s.call('report.export', { reportId: job.id, format: 'json', outPath: json })
      expect(parseReportJson(readFileSync(json, 'utf8')).models[0].images).toBe(80)
      await expect(s.call('report.export', { reportId: job.id, format: 'json', outPath: json })).rejects.toThrow(/already exists/)
      // The same check as export.start (issue 11, finding 3): overwrite never replaces the live database.
      await expect(s.call('report.export', { reportId: job.id, format: 'json', outPath: join(ws, WORKSPACE_DB_FILE), overwrite: true })).rejects.toThrow(/workspace's database files/)
      await expect(s.call('report.export', { reportId: job.id, format: 'json', outPath: '/dev/null', overwrite: true })).rejects.toThrow(/outside the folders/)
      expect((await s.call('projects.list', {})).some((p) => p.id === projectId)).toBe(true)
      await expect(s.call('report.export', { reportId: job.id, format: 'pdf', outPath: 'relative.pdf' })).rejects.toThrow(/must be absolute/)
      await expect(s.call('report.export', { reportId: job.id, format: 'pdf', outPath: join(root.dir, 'no', 'x.pdf') })).rejects.toThrow(/does not exist/)
      await expect(s.call('report.get', { reportId: 99999 })).rejects.toThrow(/does not exist/)
      await expect(s.call('report.start', { projectId, sources: [{ kind: 'images' }], prompts: ['a photo of a pilot'] })).rejects.toThrow(/has no images in this project/)
    } finally {
      await s.close()
    }
  })

  it('resumes after the studio closes right after the first batch of verdicts, without classifying an image twice', async () => {
    // First life: the studio's core with batches of 8, stopped (as a closing studio stops it) right
    // after its first batch is committed: the hook holds the job there until the runner shuts down.
    const workspace = openWorkspace(join(ws, WORKSPACE_DB_FILE))
    const runner = createJobRunner({ db: workspace.db, log: () => {} })
    let batches = 0
    let firstBatch: () => void = () => {}
    const reached = new Promise<void>((r) => (firstBatch = r))
    const audit = createAuditService({
      ws: workspace,
      runner,
      workspaceDir: ws,
      ...testConfig(),
      batchSize: 8,
      afterBatch: ({ signal }) => {
        batches++
        firstBatch()
        return signal.aborted ? undefined : new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))
      }
    })
    let jobId = 0
    let before = new Map<number, string>()
    try {
      workspace.db.prepare('DELETE FROM image_classifications').run()
      jobId = audit.start({
        projectId,
        sources: [{ kind: 'images', label: 'world' }],
        prompts,
        seedStart: 0,
        count: 16,
        steps: 20,
        sampler: 'ddim',
        guidance: 3,
        classifier: 'builtin',
        resamples: 50
      }).id
      await reached
      await runner.shutdown()
      before = verdictTimesIn(workspace.db)
      expect(batches).toBe(1)
      expect(before.size).toBe(8)
      expect(workspace.jobs.get(jobId)?.state).toBe('running')
    } finally {
      workspace.close()
    }
    // Second life: the real studio resumes the job and classifies only the other 72 images.
    const s = await open(ws)
    try {
      const job = await finished(s, jobId)
      expect(job.state, job.error ?? '').toBe('done')
      const after = verdictTimes(s)
      expect(after.size).toBe(80)
      // Verdicts written before the close were not rewritten (an upsert would move created_at).
      for (const [id, at] of before) expect(after.get(id)).toBe(at)
      expect((await s.call('report.get', { reportId: jobId })).models[0].coverage.total).toBe(80)
    } finally {
      await s.close()
    }
  })

  it('compares a trained checkpoint (sampled with fixed seeds) with workspace images', async () => {
    const s = await open(ws)
    try {
      const train = await s.call('train.start', { projectId, config: { size: 'tiny', steps: 20, batchSize: 8, learningRate: 5e-3, seed: 3, checkpointEvery: 20 } })
      expect((await finished(s, train.id, 120_000)).state).toBe('done')
      const model = `run:${train.id}@20`
      const job = await s.call('report.start', {
        projectId,
        sources: [
          { kind: 'model', model, label: 'tiny run' },
          { kind: 'images', label: 'world' }
        ],
        prompts,
        count: 3,
        seedStart: 7,
        steps: 4,
        resamples: 50
      })
      const done = await finished(s, job.id, 120_000)
      expect(done.state, done.error ?? '').toBe('done')
      const report = await s.call('report.get', { reportId: job.id })
      expect(report.models.map((m) => m.label)).toEqual(['tiny run', 'world'])
      const run = report.models[0]
      expect(run.images).toBe(6)
      expect(run.lineage).toMatchObject({ seeds: [7, 8, 9], guidance: 3, steps: 4, model, run: `training job ${train.id} (pretrain)`, promptTexts: prompts, snapshot: null })
      expect(run.lineage.training).toMatchObject({ runId: train.id, method: 'pretrain', beta: null, steps: 20, checkpointStep: 20, seed: 3, base: null, snapshot: null })
      expect(run.lineage.training?.codeVersion).toMatch(/^popalign-studio@/)
      expect(report.models[1].lineage).toMatchObject({ model: null, training: null, guidance: null })
      expect(run.lineage.checkpoint).toMatch(/step-000000020\.ckpt \(step 20\)$/)
      expect(run.lineage.sampler).toMatch(/^ddim 4 steps/)
      const sampleJobs = (await s.call('jobs.list', { projectId })).filter((j) => j.kind === 'sample')
      expect(sampleJobs).toHaveLength(1)
      expect(existsSync(join(ws, 'reports', String(job.id), 'report.json'))).toBe(true)
      await expect(s.call('report.start', { projectId, sources: [{ kind: 'model', model: 'run:9999' }], prompts })).rejects.toThrow(/not in the model list/)
    } finally {
      await s.close()
    }
  })
})
