// The training backend as a user's choice through the real studio: train.start with backend
// 'onnxruntime' runs the job in the engine worker on onnxruntime-node, and the run record (run.json)
// and the metrics the Train screen shows name that backend; an unknown backend is refused.
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
      expect(m.points.at(-1)!.step).toBe(6)
      await expect(s.call('train.start', { projectId, config: {}, backend: 'cuda' as never })).rejects.toThrow(/backend/)
    } finally {
      await s.close()
    }
  })
})
