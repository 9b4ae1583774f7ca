// Training jobs through the real studio: the engine worker from TypeScript sources on the built-in
// world with the tiny preset. A run reports progress and a loss curve, pauses, resumes, is cancelled
// with a checkpoint, and continues after the studio is closed mid-run, reproducing the losses of an
// uninterrupted run with the same seed.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkpointFileName, listCheckpoints, loadCheckpoint } from '../../../src-main/core/engine/checkpoint/store'
import { jobFinished, open, tempRoot, waitFor, type TestStudio } from './helpers'

const root = tempRoot('engine-train-')
afterAll(() => root.remove())

const settings = { size: 'tiny' as const, steps: 24, batchSize: 4, learningRate: 2e-3, seed: 7, checkpointEvery: 8 }

async function project(s: TestStudio): Promise<number> {
  return (await s.call('projects.create', { name: 'Engine' })).id
}

const finished = jobFinished

let referenceLosses: number[] = []

describe('train jobs', () => {
  it('run in the worker, push progress, record an immutable run and a loss curve, and list their checkpoints', async () => {
    const s = await open(join(root.dir, 'a'))
    try {
      const info = await s.call('engine.info', {})
      expect(info.training.description.length).toBeGreaterThan(3)
      expect(info.sampling.ortAvailable).toBe(true)
      const projectId = await project(s)
      const job = await s.call('train.start', { projectId, config: settings })
      expect(job).toMatchObject({ kind: 'train', state: 'running', total: 24 })
      const done = await finished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      expect(done.done).toBe(24)
      const progress = s.events.filter((e) => e.id === job.id && e.state === 'running' && e.done > 0)
      expect(progress.length).toBeGreaterThan(0)
      expect(progress.at(-1)!.message).toMatch(/step \d+ of 24 · loss \d+\.\d+ · [\d.]+ it\/s · ETA/)

      const m = await s.call('train.metrics', { jobId: job.id })
      expect(m).toMatchObject({ state: 'done', step: 24, totalSteps: 24, itPerSec: null, etaSeconds: null })
      expect(m.points.length).toBeGreaterThan(1)
      expect(m.points.at(-1)!.step).toBe(24)
      expect(m.points.every((p) => Number.isFinite(p.loss))).toBe(true)
      // No engine named: the default, onnxruntime (engine/train/backend-name.ts DEFAULT_TRAIN_BACKEND).
      expect(m.backend).toMatch(/^onnxruntime-node \S+ \(CPU, 2 threads/)
      expect(m.checkpoint).toEqual({ step: 24, modelId: `run:${job.id}@24` })

      const runDir = join(root.dir, 'a', 'runs', String(job.id))
      const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'))
      expect(record).toMatchObject({ jobId: job.id, seed: 7, init: { model: 'scratch' }, data: { source: 'world' }, backend: m.backend })
      expect(record.codeVersion).toMatch(/^popalign-studio@\d+\.\d+\.\d+/)
      expect(record.config.model.width).toBe(16)

      const models = await s.call('models.list', {})
      expect(models.map((x) => x.id)).toEqual([`run:${job.id}@24`, `run:${job.id}@16`, `run:${job.id}@8`])
      // A run names its project, so model lists can put the current project's runs first.
      expect(models[0]).toMatchObject({ source: 'run', jobId: job.id, projectId, step: 24, totalSteps: 24, weighting: 'constant', seed: 7, method: null })
      referenceLosses = loadCheckpoint(models[0].path).losses
      expect(referenceLosses).toHaveLength(24)

      // Bad input is refused with the problem named.
      await expect(s.call('train.start', { projectId, config: settings, init: 'run:999' })).rejects.toThrow(/run 999 has no checkpoint/)
      await expect(s.call('train.start', { projectId, config: { ...settings, weighting: 'loud' as never } })).rejects.toThrow(/weighting/)
      await expect(s.call('train.pause', { jobId: job.id })).rejects.toThrow(/only a running job can be paused/)
    } finally {
      await s.close()
    }
  })

  it('pauses (the step stops moving), resumes, and is cancelled with a checkpoint at the step reached', async () => {
    const s = await open(join(root.dir, 'b'))
    try {
      const projectId = await project(s)
      const job = await s.call('train.start', { projectId, config: { ...settings, steps: 5000, checkpointEvery: 1000 } })
      await waitFor('a few steps', async () => (await s.call('train.metrics', { jobId: job.id })).step >= 3)
      const paused = await s.call('train.pause', { jobId: job.id })
      expect(paused.state).toBe('paused')
      await new Promise((r) => setTimeout(r, 300)) // the step in flight lands
      const at = (await s.call('train.metrics', { jobId: job.id })).step
      await new Promise((r) => setTimeout(r, 600))
      const still = await s.call('train.metrics', { jobId: job.id })
      expect(still.step).toBe(at)
      expect(still.state).toBe('paused')
      expect(still.itPerSec).toBeNull()

      expect((await s.call('train.resume', { jobId: job.id })).state).toBe('running')
      await waitFor('steps after resume', async () => (await s.call('train.metrics', { jobId: job.id })).step > at + 2)

      const cancelled = await s.call('train.cancel', { jobId: job.id })
      expect(cancelled.state).toBe('cancelled')
      const ckpt = await waitFor('the cancel checkpoint', async () => (await s.call('train.metrics', { jobId: job.id })).checkpoint)
      expect(ckpt.step).toBeGreaterThan(at + 2)
      expect((await s.call('jobs.get', { jobId: job.id })).state).toBe('cancelled')
    } finally {
      await s.close()
    }
  })

  it('announces a cancelled run once more after its last checkpoint is written, and models.list lists it then', async () => {
    const s = await open(join(root.dir, 'd'))
    try {
      const projectId = await project(s)
      // No periodic checkpoint within reach: the cancel checkpoint is the run's only one.
      const job = await s.call('train.start', { projectId, config: { ...settings, steps: 5000, checkpointEvery: 1000 } })
      const runDir = join(root.dir, 'd', 'runs', String(job.id))
      // At each cancelled event, what is on disk and what models.list answers (read then, as a screen would).
      const seen: { message: string; onDisk: number[]; listed: Promise<string[]> }[] = []
      s.studio.onEvent((_name, e) => {
        if (e.id !== job.id || e.state !== 'cancelled') return
        seen.push({
          message: e.message,
          onDisk: listCheckpoints(runDir).map((c) => c.step),
          listed: s.call('models.list', {}).then((ms) => ms.filter((m) => m.jobId === job.id).map((m) => m.id))
        })
      })
      await waitFor('a few steps', async () => (await s.call('train.metrics', { jobId: job.id })).step >= 3)
      expect((await s.call('train.cancel', { jobId: job.id })).state).toBe('cancelled')
      await waitFor('the worker to stop', () => seen.length >= 2, 10_000)
      await new Promise((r) => setTimeout(r, 300)) // room for a third event, which must not come

      const last = listCheckpoints(runDir).at(-1)!
      expect(last.step).toBeGreaterThanOrEqual(3)
      // The first event is the cancel itself, before the worker heard of it: no checkpoint yet.
      expect(seen[0].onDisk).toEqual([])
      expect(seen).toHaveLength(2)
      expect(seen[1].message).toBe(`cancelled at step ${last.step} of 5000 · its checkpoint is saved`)
      expect(seen[1].onDisk).toEqual([last.step])
      expect(await seen[1].listed).toEqual([`run:${job.id}@${last.step}`])
      expect(await s.call('jobs.get', { jobId: job.id })).toMatchObject({ state: 'cancelled', message: seen[1].message, error: null })
    } finally {
      await s.close()
    }
  })

  it('a cancel whose checkpoint cannot be written still ends cancelled, says so, and keeps the checkpoints before it', async () => {
    const ws = join(root.dir, 'e')
    const s = await open(ws)
    try {
      const projectId = await project(s)
      const job = await s.call('train.start', { projectId, config: { ...settings, steps: 5000, checkpointEvery: 4 } })
      const runDir = join(ws, 'runs', String(job.id))
      await waitFor('a periodic checkpoint and a few steps more', async () => (await s.call('train.metrics', { jobId: job.id })).step >= 6)
      // Pause where no periodic checkpoint was written (a step that is not a multiple of 4), so the cancel
      // has a checkpoint of its own to write; a pause landing on one is resumed and tried again.
      let at = 0
      for (let tries = 0; tries < 20; tries++) {
        await s.call('train.pause', { jobId: job.id })
        await new Promise((r) => setTimeout(r, 300)) // the step in flight lands
        at = (await s.call('train.metrics', { jobId: job.id })).step
        if (at % 4 !== 0) break
        await s.call('train.resume', { jobId: job.id })
        await new Promise((r) => setTimeout(r, 20 + 15 * tries))
      }
      expect(at % 4, 'a pause off the periodic checkpoints').not.toBe(0)
      const before = listCheckpoints(runDir).map((c) => c.step)
      expect(before.length).toBeGreaterThan(0)
      // A folder where the cancel checkpoint goes: the worker's write fails while it stops.
      mkdirSync(join(runDir, checkpointFileName(at)))
      await s.call('train.cancel', { jobId: job.id })
      const failed = await waitFor('the failure to be announced', () => s.events.find((e) => e.id === job.id && e.message.startsWith('cancelled · the engine worker failed while stopping: ')), 10_000)
      expect(failed.state).toBe('cancelled')
      expect(failed.message).toMatch(/ · the checkpoints written before remain$/)
      expect(await s.call('jobs.get', { jobId: job.id })).toMatchObject({ state: 'cancelled', message: failed.message, error: null })
      expect(listCheckpoints(runDir).map((c) => c.step)).toEqual(expect.arrayContaining(before))
      const listed = (await s.call('models.list', {})).filter((m) => m.jobId === job.id).map((m) => m.id)
      expect(listed).toEqual(expect.arrayContaining(before.map((step) => `run:${job.id}@${step}`)))
    } finally {
      await s.close()
    }
  })

  it('a run cancelled as it starts ends cancelled with no worker, no checkpoint and a single cancel event', async () => {
    const ws = join(root.dir, 'f')
    const s = await open(ws)
    try {
      const projectId = await project(s)
      const job = await s.call('train.start', { projectId, config: settings })
      await s.call('train.cancel', { jobId: job.id })
      await new Promise((r) => setTimeout(r, 500))
      expect(await s.call('jobs.get', { jobId: job.id })).toMatchObject({ state: 'cancelled', message: 'cancelled' })
      expect(s.events.filter((e) => e.id === job.id).map((e) => e.state)).toEqual(['running', 'cancelled'])
      expect(listCheckpoints(join(ws, 'runs', String(job.id)))).toEqual([])
    } finally {
      await s.close()
    }
  })

  it('continues after the studio is closed mid-run and reopened, with the losses of an uninterrupted run', async () => {
    const ws = join(root.dir, 'c')
    let s = await open(ws)
    const projectId = await project(s)
    const job = await s.call('train.start', { projectId, config: settings })
    await waitFor('the first checkpoint', async () => (await s.call('train.metrics', { jobId: job.id })).checkpoint)
    await s.close()
    const mid = (await import('../../../src-main/core/engine/checkpoint/store')).listCheckpoints(join(ws, 'runs', String(job.id)))
    expect(mid.at(-1)!.step).toBeLessThan(24)

    s = await open(ws)
    try {
      expect((await s.call('jobs.get', { jobId: job.id })).state).toBe('running')
      const done = await finished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      const models = await s.call('models.list', {})
      const final = loadCheckpoint(models.find((x) => x.id === `run:${job.id}@24`)!.path)
      expect(referenceLosses).toHaveLength(24)
      expect(final.losses).toEqual(referenceLosses)
      expect(existsSync(join(ws, 'runs', String(job.id), 'run.json'))).toBe(true)
      const m = await s.call('train.metrics', { jobId: job.id })
      expect(m.points.at(-1)).toEqual({ step: 24, loss: referenceLosses[23] })
    } finally {
      await s.close()
    }
  })
})
