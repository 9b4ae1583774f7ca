// The training backend as a user's choice through the real studio: train.start with backend
// 'onnxruntime' runs the job in the engine worker on onnxruntime-node, and the run record (run.json)
// and the metrics the Train screen shows name that backend and its execution provider; an unknown
// backend, and a provider this install lacks, are refused in words at train.start.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { jobFinished, open, tempRoot } from './helpers'

const root = tempRoot('engine-train-backend-')
afterAll(() => root.remove())

describe('train.start backend choice', () => {
  it('trains on onnxruntime and records it in run.json and the metrics', async () => {
    const s = await open(join(root.dir, 'a'))
    try {
      const projectId = (await s.call('projects.create', { name: 'Engine' })).id
      const job = await s.call('train.start', { projectId, config: { size: 'tiny', steps: 6, batchSize: 4, seed: 3, checkpointEvery: 3 }, backend: 'onnxruntime' })
      const done = await jobFinished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      const m = await s.call('train.metrics', { jobId: job.id })
      expect(m.backend).toMatch(/^onnxruntime-node \S+ \(CPU, 2 threads/)
      const record = JSON.parse(readFileSync(join(root.dir, 'a', 'runs', String(job.id), 'run.json'), 'utf8'))
      expect(record.backend).toBe(m.backend)
      // This machine's onnxruntime-node has no GPU provider installed: 'auto' ran on the CPU, and says so.
      expect(record.executionProvider).toBe('cpu')
      const info = await s.call('engine.info', {})
      expect(info.providers.auto).toBe('cpu')
      expect(info.providers.list.find((p) => p.name === 'cpu')).toMatchObject({ usable: true, reason: null })
      expect(m.points.at(-1)!.step).toBe(6)
      await expect(s.call('train.start', { projectId, config: {}, backend: 'cuda' as never })).rejects.toThrow(/backend/)
      const jobsBefore = (await s.call('jobs.list', { projectId })).length
      await expect(s.call('train.start', { projectId, config: {}, backend: 'onnxruntime', provider: 'cuda' })).rejects.toThrow(/The CUDA execution provider cannot be used: .*Choose Auto or CPU/)
      await expect(s.call('train.start', { projectId, config: {}, backend: 'tfjs', provider: 'coreml' })).rejects.toThrow(
        /CoreML execution provider is for the onnxruntime engine; tfjs trains on the CPU/
      )
      expect((await s.call('jobs.list', { projectId })).length).toBe(jobsBefore)
    } finally {
      await s.close()
    }
  })
})
