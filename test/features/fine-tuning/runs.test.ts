// Fine-tuning runs through the real studio: a tiny base model and a tiny judged snapshot. PopAlign's
// loss falls below log 2 and its implicit accuracy rises above 1/2; DPO and SFT run on the same
// snapshot and base; the run record pins the snapshot hash, base checkpoint, seed, backend and code
// version; runs compare side by side; pause/resume/cancel; a run continues after the studio closes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listCheckpoints, loadCheckpoint } from '../../../src-main/core/engine/checkpoint/store'
import { finetunePreset } from '../../../src-main/core/features/fine-tuning/presets'
import { jobFinished, open, tempRoot, waitFor, type TestStudio } from '../models/helpers'
import { judgedSnapshot, writeTinyBase } from './fixture'

const root = tempRoot('finetune-runs-')
const baseDir = join(root.dir, 'base-model')
beforeAll(() => writeTinyBase(baseDir), 60_000)
afterAll(() => root.remove())

async function studioWithSnapshot(name: string): Promise<{ s: TestStudio; projectId: number; snapshotId: number; ws: string }> {
  const ws = join(root.dir, name)
  const s = await open(ws, { baseModelDir: baseDir })
  const projectId = (await s.call('projects.create', { name: 'Fine-tune' })).id
  const snapshotId = await judgedSnapshot(s.studio.workspace, ws, projectId)
  return { s, projectId, snapshotId, ws }
}

const finished = (s: TestStudio, jobId: number) => jobFinished(s, jobId, 55_000)

const quick = { steps: 60, batchSize: 8, learningRate: 1e-4, beta: 1000, checkpointEvery: 30, seed: 3 }

describe('fine-tune runs', () => {
  it('PopAlign on a tiny snapshot: loss falls below log 2, implicit accuracy rises above 1/2; the record pins everything; runs compare', async () => {
    const { s, projectId, snapshotId, ws } = await studioWithSnapshot('a')
    try {
      const presets = await s.call('finetune.presets', {})
      expect(presets.map((p) => p.name)).toEqual(['paper-scaled', 'quick'])
      expect(presets[0].settings).toMatchObject({ alpha: 0.5, condDropout: 0.2, batchSize: 8 })

      const job = await s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'popalign', settings: quick })
      expect(job).toMatchObject({ kind: 'train', state: 'running', total: 60 })
      const done = await finished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')

      const m = await s.call('finetune.metrics', { jobId: job.id })
      expect(m.method).toBe('popalign')
      expect(m.finetunePoints.length).toBeGreaterThan(2)
      const pts = m.finetunePoints
      expect(pts[0].step).toBeGreaterThan(0)
      const tail = pts.slice(-Math.max(2, Math.floor(pts.length / 3)))
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
      const tailAcc = mean(tail.map((p) => p.implicitAccuracy!))
      const tailLoss = mean(tail.map((p) => p.loss))
      console.log(`popalign: first ${JSON.stringify(pts[0])} tail acc ${tailAcc.toFixed(3)} loss ${tailLoss.toFixed(4)} margin ${mean(tail.map((p) => p.rewardMargin!)).toFixed(3)}`)
      expect(tailAcc).toBeGreaterThan(0.5)
      expect(tailLoss).toBeLessThan(Math.log(2))
      expect(tailLoss).toBeLessThan(pts[0].loss)
      expect(pts.every((p) => p.Z !== null && p.rewardMargin !== null)).toBe(true)

      const runDir = join(ws, 'runs', String(job.id))
      const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'))
      const snapshot = await s.call('snapshots.get', { snapshotId })
      expect(record).toMatchObject({
        jobId: job.id,
        seed: 3,
        init: { model: 'base', step: 30 },
        data: { source: 'snapshot', snapshotId, contentSha256: snapshot.contentSha256, images: 18, pairs: 9 },
        finetune: { method: 'popalign', beta: 1000, alpha: 0.5, preset: 'paper-scaled' }
      })
      expect(record.backend).toMatch(/^onnxruntime-node \S+ \(CPU, 2 threads/)
      expect(record.executionProvider).toBe('cpu')
      expect(record.codeVersion).toMatch(/^popalign-studio@/)
      expect(record.config).toMatchObject({ condDropout: 0.2, batchSize: 8, learningRate: 1e-4, weighting: 'constant' })
      // The fine-tuned checkpoint is a model like any other.
      const tuned = (await s.call('models.list', {})).find((x) => x.id === `run:${job.id}@60`)
      // It says which objective made it, so pickers can call it "Run 1 · PopAlign · step 60".
      expect(tuned).toMatchObject({ source: 'run', label: 'Run 1 · step 60', method: 'popalign' })

      // SFT and DPO from the same snapshot and base, then all three side by side.
      const sft = await s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'sft', preset: 'quick', settings: { steps: 10, checkpointEvery: 10 } })
      expect((await finished(s, sft.id)).state).toBe('done')
      const dpo = await s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'dpo', settings: { ...quick, steps: 10, weighting: 'debias' } })
      expect((await finished(s, dpo.id)).state).toBe('done')
      const runs = await s.call('runs.list', { projectId })
      expect(runs.map((r) => [r.jobId, r.method, r.snapshotId])).toEqual([
        [dpo.id, 'dpo', snapshotId],
        [sft.id, 'sft', snapshotId],
        [job.id, 'popalign', snapshotId]
      ])
      const cmp = await s.call('runs.compare', { runIds: [job.id, sft.id, dpo.id] })
      expect(cmp.map((c) => c.method)).toEqual(['popalign', 'sft', 'dpo'])
      expect(cmp[0].config).toMatchObject({ beta: 1000, alpha: 0.5, steps: 60 })
      expect(cmp[1].config).toMatchObject({ beta: null, alpha: null, steps: 10, learningRate: finetunePreset('quick').settings.learningRate })
      expect(cmp[2].config).toMatchObject({ weighting: 'debias', alpha: null })
      expect(cmp.every((c) => c.snapshotSha256 === snapshot.contentSha256 && c.baseCheckpoint?.model === 'base')).toBe(true)
      expect(cmp[0].final.implicitAccuracy).toBeGreaterThan(0.5)
      expect(cmp[1].final.implicitAccuracy).toBeNull()
      expect(cmp[2].final.implicitAccuracy).not.toBeNull()
      expect(cmp[1].final.loss).not.toBeNull()

      // Bad input is refused naming the problem.
      await expect(s.call('finetune.start', { projectId, snapshotId: 999, base: 'base', method: 'popalign' })).rejects.toThrow(/snapshot 999 does not exist/)
      await expect(s.call('finetune.start', { projectId, snapshotId, base: 'run:999', method: 'popalign' })).rejects.toThrow(/run 999 has no checkpoint/)
      await expect(s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'popalign', settings: { batchSize: 7 } })).rejects.toThrow(/even/)
      await expect(s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'kto' as never })).rejects.toThrow()
      await expect(s.call('finetune.metrics', { jobId: 9999 })).rejects.toThrow(/run 9999 does not exist/)
    } finally {
      await s.close()
    }
  })

  it('pauses, resumes and cancels with a checkpoint; continues after the studio is closed mid-run with the losses of an uninterrupted run', async () => {
    const { s, projectId, snapshotId } = await studioWithSnapshot('b')
    try {
      const job = await s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'popalign', settings: { ...quick, steps: 5000, checkpointEvery: 1000 } })
      await waitFor('a few steps', async () => (await s.call('finetune.metrics', { jobId: job.id })).step >= 3)
      expect((await s.call('train.pause', { jobId: job.id })).state).toBe('paused')
      await new Promise((r) => setTimeout(r, 300))
      const at = (await s.call('finetune.metrics', { jobId: job.id })).step
      await new Promise((r) => setTimeout(r, 500))
      expect((await s.call('finetune.metrics', { jobId: job.id })).step).toBe(at)
      expect((await s.call('train.resume', { jobId: job.id })).state).toBe('running')
      await waitFor('steps after resume', async () => (await s.call('finetune.metrics', { jobId: job.id })).step > at + 2)
      expect((await s.call('train.cancel', { jobId: job.id })).state).toBe('cancelled')
      const ckpt = await waitFor('the cancel checkpoint', async () => (await s.call('finetune.metrics', { jobId: job.id })).checkpoint)
      expect(ckpt.step).toBeGreaterThan(at + 2)
    } finally {
      await s.close()
    }

    // An uninterrupted reference run, then the same run interrupted by closing the studio.
    const ref = await studioWithSnapshot('c')
    let refLosses: number[]
    try {
      const job = await ref.s.call('finetune.start', { projectId: ref.projectId, snapshotId: ref.snapshotId, base: 'base', method: 'dpo', settings: { ...quick, steps: 24, checkpointEvery: 8 } })
      expect((await finished(ref.s, job.id)).state).toBe('done')
      refLosses = loadCheckpoint(listCheckpoints(join(ref.ws, 'runs', String(job.id))).at(-1)!.path).losses
    } finally {
      await ref.s.close()
    }
    const c = await studioWithSnapshot('d')
    const job = await c.s.call('finetune.start', { projectId: c.projectId, snapshotId: c.snapshotId, base: 'base', method: 'dpo', settings: { ...quick, steps: 24, checkpointEvery: 8 } })
    await waitFor('the first checkpoint', async () => (await c.s.call('finetune.metrics', { jobId: job.id })).checkpoint)
    await c.s.close()
    expect(listCheckpoints(join(c.ws, 'runs', String(job.id))).at(-1)!.step).toBeLessThan(24)
    const again = await open(c.ws, { baseModelDir: baseDir })
    try {
      const done = await finished(again, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      const losses = loadCheckpoint(listCheckpoints(join(c.ws, 'runs', String(job.id))).at(-1)!.path).losses
      expect(losses).toHaveLength(24)
      // Same snapshot content, seed and base: the resumed run replays the uninterrupted one exactly.
      expect(losses).toEqual(refLosses)
    } finally {
      await again.close()
    }
  })
})
