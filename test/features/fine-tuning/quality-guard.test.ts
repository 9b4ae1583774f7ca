// Fine-tunes that guard quality, through the real studio and the shipped base model: every checkpoint
// (and the starting model, as step 0) gets the quick fixed-seed check; a run that fills its images
// with noise ends as "done, quality dropped N%" with the pictures to prove it, while a gentle run
// passes and names its best checkpoint by the stated rule.
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { QUICK_CHECK } from '../../../src-main/core/features/models/quality-check'
import { jobFinished, open, tempRoot } from '../models/helpers'
import { judgedSnapshot } from './fixture'

const root = tempRoot('finetune-quality-')
afterAll(() => root.remove())
const shippedBase = resolve(__dirname, '../../../resources/models/base')

async function fineTune(name: string, settings: object) {
  const ws = join(root.dir, name)
  const s = await open(ws, { baseModelDir: shippedBase })
  const projectId = (await s.call('projects.create', { name })).id
  const snapshotId = await judgedSnapshot(s.studio.workspace, ws, projectId)
  const job = await s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'popalign', preset: 'paper-scaled', settings })
  const done = await jobFinished(s, job.id, 120_000)
  const metrics = await s.call('finetune.metrics', { jobId: job.id })
  return { s, done, metrics }
}

describe('fine-tune quality guard', () => {
  it('ends a run that destroyed its images as "done, quality dropped N%", with the start and the damage side by side', async () => {
    const { s, done, metrics } = await fineTune('noisy', { steps: 40, learningRate: 3e-4, weighting: 'constant', checkpointEvery: 20, seed: 1 })
    try {
      expect(done.state, done.error ?? '').toBe('done')
      expect(done.message).toMatch(/^done, quality dropped \d+% \(image fidelity gap [\d.]+ vs [\d.]+ at the start, quick check of 96 images\)/)
      expect(metrics.qualityDrop).toMatch(/^quality dropped \d+%/)
      // The start and the last checkpoint are always checked; one in between may be skipped when
      // checkpoints arrive faster than checks (only the newest waiting one is kept).
      const steps = metrics.quality.map((p) => p.step)
      expect(steps[0]).toBe(0)
      expect(steps.at(-1)).toBe(40)
      expect(steps.every((s) => [0, 20, 40].includes(s))).toBe(true)
      const start = metrics.quality[0]
      const last = metrics.quality.at(-1)!
      expect(start.quality).toBeNull()
      expect(last.quality?.failed).toBe(true)
      expect(last.fidelity!.low).toBeGreaterThan(start.fidelity!.high)
      for (const p of metrics.quality) expect(p.sheet).toMatch(/^data:image\/png;base64,/)
      expect(QUICK_CHECK.prompts.length * QUICK_CHECK.seeds).toBe(96)
      // The failed checkpoints are never the best.
      expect(metrics.best?.step ?? null).not.toBe(40)
    } finally {
      await s.close()
    }
  }, 180_000)

  it('passes a gentle run and names its best checkpoint', async () => {
    const { s, done, metrics } = await fineTune('gentle', { steps: 20, learningRate: 1e-6, weighting: 'debias', checkpointEvery: 10, seed: 1 })
    try {
      expect(done.state, done.error ?? '').toBe('done')
      expect(done.message).toMatch(/^trained 20 of 20 steps/)
      expect(metrics.qualityDrop).toBeNull()
      expect(metrics.quality.every((p) => !p.quality?.failed)).toBe(true)
      expect(metrics.best).toMatchObject({ rule: expect.stringContaining('lowest mean discrepancy') })
      expect([10, 20]).toContain(metrics.best!.step)
      expect(metrics.best!.modelId).toBe(`run:${done.id}@${metrics.best!.step}`)
    } finally {
      await s.close()
    }
  }, 180_000)
})
