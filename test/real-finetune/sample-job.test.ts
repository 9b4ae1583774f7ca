// Sampling a finished real-model fine-tune as a studio job (fine-tuning/real/sample-job.ts), the way the
// screen's "Sample it" reaches it: popalign_trainer.sample draws the prompts x seeds with the run's LoRA,
// the folder import brings them into the project with the run's provenance, and the set lists its
// images. Refusals come in words; a studio closed mid-draw finishes the same set on its next start
// (one import, every image once); a cancel ends it.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJobRunner, type JobRunner } from '../../src-main/core/jobs/runner'
import { createImportService } from '../../src-main/core/features/import/import-service'
import { createHousekeeping } from '../../src-main/core/features/housekeeping/service'
import { createRealSampleJobs, type RealSampleJobs } from '../../src-main/core/features/fine-tuning/real/sample-job'
import { SKIP_PYTHON, TRAINER_SOURCE } from '../helpers/python-env'
import { realHarness, TINY_SETTINGS, type RealHarness } from './harness'

describe.skipIf(SKIP_PYTHON)('sampling a real-model fine-tune as a job', () => {
  let h: RealHarness
  let runJobId = 0
  let cancelledRunId = 0

  /** What one start of the studio wires: the runner's 'sample' kind handed to the real sampler, and the folder import. */
  const studio = (runner: JobRunner): RealSampleJobs => {
    const imports = createImportService({ ws: h.toy.ws, runner, workspaceDir: h.workspaceDir })
    const samples = createRealSampleJobs({ ws: h.toy.ws, runner, workspaceDir: h.workspaceDir, envDir: h.envDir, sourceDir: TRAINER_SOURCE, imports, pollMs: 50 })
    runner.register('sample', samples.run)
    return samples
  }
  let samples: RealSampleJobs

  beforeAll(async () => {
    h = await realHarness('popalign-realsample-')
    samples = studio(h.runner)
    const job = h.train.startReal(h.toy.projectId, { modelDir: h.modelDir, snapshotId: h.toy.snapshotId, settings: { ...TINY_SETTINGS, steps: 3 } })
    await h.waitFor(job.id, (j) => j.state === 'done', 200_000)
    runJobId = job.id
    const second = h.train.startReal(h.toy.projectId, { modelDir: h.modelDir, snapshotId: h.toy.snapshotId, settings: { ...TINY_SETTINGS, steps: 500 } })
    await h.waitFor(second.id, (j) => j.done >= 1, 200_000)
    h.train.cancel(second.id)
    await h.waitFor(second.id, (j) => j.state === 'cancelled', 60_000)
    cancelledRunId = second.id
  }, 400_000)

  afterAll(async () => {
    await h?.close()
  })

  it('refuses in words: a run without trained weights, another project, a repeated prompt or seed', () => {
    const req = { prompts: ['a photo of a doctor'], seeds: [0], steps: 2, guidance: 7.5 }
    expect(() => samples.start(h.toy.projectId, { ...req, runJobId: cancelledRunId })).toThrow(/Run 2 has no trained weights to sample \(it is cancelled\); sample a run that finished training/)
    expect(() => samples.start(h.toy.projectId + 1, { ...req, runJobId })).toThrow(/is not in this project/)
    expect(() => samples.start(h.toy.projectId, { ...req, runJobId, prompts: ['a', 'a'] })).toThrow(/a prompt is listed twice/)
    expect(() => samples.start(h.toy.projectId, { ...req, runJobId, seeds: [1, 1] })).toThrow(/a seed is listed twice/)
  })

  it('samples prompts x seeds with the LoRA and brings them into the project with the run as their provenance', async () => {
    const job = samples.start(h.toy.projectId, { runJobId, prompts: ['a photo of a doctor', 'a photo of a nurse'], seeds: [0, 1], steps: 2, guidance: 7.5 })
    expect(job.kind).toBe('sample')
    const done = await h.waitFor(job.id, (j) => j.state !== 'running', 200_000)
    expect(done.state).toBe('done')
    expect(done.message).toBe('sampled 4 images of Run 1; 4 in the project')
    const [set] = samples.list(runJobId)
    expect(set.job.id).toBe(job.id)
    expect(set.images.map((i) => `${i.prompt}|${i.seed}`).sort()).toEqual(['a photo of a doctor|0', 'a photo of a doctor|1', 'a photo of a nurse|0', 'a photo of a nurse|1'])
    const result = JSON.parse(readFileSync(join(h.runDir(runJobId), 'result.json'), 'utf8'))
    for (const img of set.images) {
      const row = h.toy.ws.images.get(img.imageId)!
      expect(row.projectId).toBe(h.toy.projectId)
      const p = row.provenance as { fineTuneJob: number; weights: { sha256: string } }
      expect(p.fineTuneJob).toBe(runJobId)
      expect(p.weights.sha256).toBe(result.sha256)
      expect(row.thumbPath).toBeTruthy()
    }
    // The images are files in the run's folder: deleting the run is refused while they are in the project.
    const impact = createHousekeeping(h.toy.ws, { workspaceDir: h.workspaceDir }).impact('run', runJobId)
    expect(impact.blockers).toContain('4 images were sampled from it and kept in its folder')
  }, 240_000)

  it('finishes the same set after the studio closed mid-draw, with one import; a cancel ends a set', async () => {
    const job = samples.start(h.toy.projectId, { runJobId, prompts: ['a photo of a doctor'], seeds: [5, 6, 7, 8], steps: 3, guidance: 7.5 })
    await h.waitFor(job.id, (j) => j.done >= 1, 200_000)
    // The studio closes: the job stays running for the next start.
    await h.runner.shutdown()
    expect(h.toy.ws.jobs.get(job.id)!.state).toBe('running')
    const runner = createJobRunner({ db: h.toy.ws.db, throttleMs: 0 })
    samples = studio(runner)
    runner.resumePending()
    for (let t0 = Date.now(); runner.get(job.id).state === 'running';) {
      if (Date.now() - t0 > 200_000) throw new Error(`timed out: ${runner.get(job.id).message}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(runner.get(job.id).error).toBeNull()
    expect(runner.get(job.id).state).toBe('done')
    const set = samples.list(runJobId).find((s) => s.job.id === job.id)!
    expect(set.images.map((i) => i.seed).sort()).toEqual([5, 6, 7, 8])
    const folder = join(h.runDir(runJobId), 'samples', `job-${job.id}`)
    expect(readdirSync(folder).filter((f) => f.endsWith('.png'))).toHaveLength(4)
    expect(runner.list(h.toy.projectId).filter((j) => j.kind === 'import')).toHaveLength(2)

    const cancelled = samples.start(h.toy.projectId, { runJobId, prompts: ['a photo of a doctor'], seeds: [10, 11, 12, 13, 14, 15], steps: 3, guidance: 7.5 })
    for (let t0 = Date.now(); runner.get(cancelled.id).done < 1;) {
      if (Date.now() - t0 > 200_000) throw new Error('timed out waiting for the first image')
      await new Promise((r) => setTimeout(r, 100))
    }
    runner.cancel(cancelled.id)
    await runner.idle()
    expect(runner.get(cancelled.id).state).toBe('cancelled')
    expect(samples.list(runJobId).find((s) => s.job.id === cancelled.id)!.images).toEqual([])
    await runner.shutdown()
  }, 400_000)
})
