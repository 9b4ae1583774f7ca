// Sampling jobs through the real studio: a tiny run's checkpoint is sampled through onnxruntime-node
// (and the tfjs fallback); every image lands in the workspace under its prompt with provenance, a
// seed gives the same image again, and a job closed mid-way finishes after a reopen without
// repeating or skipping an image.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobFinished, open, tempRoot, trainTinyModel, waitFor } from './helpers'

const root = tempRoot('engine-sample-')
const ws = join(root.dir, 'ws')
let modelId = ''
let projectId = 0

afterAll(() => root.remove())

const finished = jobFinished

beforeAll(async () => {
  const s = await open(ws)
  try {
    projectId = (await s.call('projects.create', { name: 'Samples' })).id
    modelId = await trainTinyModel(s, projectId, { steps: 40, batchSize: 8, seed: 3 })
  } finally {
    await s.close()
  }
})

describe('sample jobs', () => {
  it('write PNGs with provenance into the workspace, deterministic per seed, under linked prompts', async () => {
    const s = await open(ws)
    try {
      const prompts = ['a photo of a doctor', 'a photo of a round amber doctor']
      const job = await s.call('sample.start', { projectId, model: modelId, prompts, seedStart: 10, count: 2, steps: 4, sampler: 'ddim', guidance: 2 })
      expect(job).toMatchObject({ kind: 'sample', total: 4 })
      const done = await finished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      const results = await s.call('sample.results', { jobId: job.id })
      expect(results.map((r) => [r.provenance.prompt, r.provenance.seed])).toEqual([
        [prompts[0], 10],
        [prompts[0], 11],
        [prompts[1], 10],
        [prompts[1], 11]
      ])
      expect(results[0].provenance).toMatchObject({ model: modelId, step: 40, sampler: 'ddim', steps: 4, guidance: 2, backend: 'onnxruntime-node', jobId: job.id })
      expect(results[0].provenance.checkpoint).toMatch(/step-000000040\.ckpt$/)
      expect(readdirSync(join(ws, 'samples', String(job.id))).filter((f) => f.endsWith('.png'))).toHaveLength(4)

      const list = await s.call('prompts.list', { projectId })
      const neutral = list.find((p) => p.text === prompts[0])!
      const specific = list.find((p) => p.text === prompts[1])!
      expect(neutral).toMatchObject({ kind: 'neutral', imageCount: 2 })
      expect(specific).toMatchObject({ kind: 'specific', neutralPromptId: neutral.id, imageCount: 2 })
      const images = await s.call('images.list', { projectId, promptId: neutral.id })
      expect(images.items.map((i) => i.seed)).toEqual([10, 11])
      expect(images.items[0]).toMatchObject({ width: 128, height: 128, generator: `popalign-studio/${modelId}` })
      const file = s.studio.imageFile(images.items[0].id, 'thumb')
      expect(file && existsSync((file as { path: string }).path)).toBe(true)

      // Same model, prompt and seed: the same bytes (so the same image); another seed: another image.
      const again = await s.call('sample.start', { projectId, model: modelId, prompts: [prompts[0]], seedStart: 11, count: 2, steps: 4, sampler: 'ddim', guidance: 2 })
      expect((await finished(s, again.id)).state).toBe('done')
      const second = await s.call('sample.results', { jobId: again.id })
      expect(second[0].imageId).toBe(results[1].imageId)
      expect(second[1].imageId).not.toBe(results[1].imageId)
      const sha = (id: number) => images.items.find((i) => i.id === id)?.sha256
      expect(sha(results[0].imageId)).not.toBe(sha(results[1].imageId))

      await expect(s.call('sample.start', { projectId, model: 'run:424242', prompts: ['a doctor'] })).rejects.toThrow(/run 424242 has no checkpoint/)
      await expect(s.call('sample.start', { projectId, model: '../../etc/passwd', prompts: ['a doctor'] })).rejects.toThrow(/model id/)
      await expect(s.call('sample.start', { projectId, model: 'base', prompts: ['a doctor'] })).rejects.toThrow(/base model is not installed/)
    } finally {
      await s.close()
    }
  })

  it('falls back to tfjs when onnxruntime-node is passed over, recording that backend', async () => {
    const s = await open(ws, { samplePrefer: 'tfjs' })
    try {
      const job = await s.call('sample.start', { projectId, model: modelId, prompts: ['a photo of a nurse'], seedStart: 5, count: 2, steps: 3, guidance: 1 })
      const done = await finished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      const results = await s.call('sample.results', { jobId: job.id })
      expect(results).toHaveLength(2)
      expect(results[0].provenance.backend).toMatch(/^tfjs \(/)
    } finally {
      await s.close()
    }
  })

  it('resumes after the studio is closed mid-job, skipping the images already recorded', async () => {
    let s = await open(ws, { sampleChunk: 2 })
    const prompts = ['a photo of a chef', 'a photo of a pilot', 'a photo of a farmer']
    // Closed from the event that reports the first recorded chunk, so the job is surely mid-way.
    let closing: Promise<void> | null = null
    s.studio.onEvent((_n, j) => {
      if (j.kind === 'sample' && j.done >= 2 && !closing) closing = s.close()
    })
    const job = await s.call('sample.start', { projectId, model: modelId, prompts, seedStart: 0, count: 4, steps: 1000, sampler: 'ddpm', guidance: 3 })
    await waitFor('the first chunk', () => closing !== null, 30_000)
    // Set inside the job.progress listener, which TypeScript's narrowing cannot see.
    await (closing as Promise<void> | null)
    const mid = (await import('../../../src-main/core/store/open')).openWorkspace(join(ws, 'workspace.db'))
    const doneAtClose = mid.jobs.get(job.id)!
    mid.close()
    expect(doneAtClose.state).toBe('running')
    expect(doneAtClose.done).toBeLessThan(12)

    s = await open(ws, { sampleChunk: 2 })
    try {
      const done = await finished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      expect(done.done).toBe(12)
      const results = await s.call('sample.results', { jobId: job.id })
      expect(results.map((r) => `${r.provenance.prompt}#${r.provenance.seed}`)).toEqual(prompts.flatMap((p) => [0, 1, 2, 3].map((k) => `${p}#${k}`)))
      expect(new Set(results.map((r) => r.imageId)).size).toBe(12)
      expect(readdirSync(join(ws, 'samples', String(job.id))).filter((f) => f.endsWith('.png'))).toHaveLength(12)
    } finally {
      await s.close()
    }
  })
})
