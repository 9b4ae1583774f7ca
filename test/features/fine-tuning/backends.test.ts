// Fine-tunes choose their engine like plain training: the worker loop runs a PopAlign fine-tune (frozen
// reference, 1/sqrt(SNR) timestep weights, caption dropout, weight averaging) on tfjs and on onnxruntime
// with the same first steps within float32 noise; an onnxruntime fine-tune stopped at a checkpoint
// resumes bit for bit; finetune.start takes the engine and the execution provider, records them in
// run.json, and refuses a provider this install lacks.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listCheckpoints, loadCheckpoint } from '../../../src-main/core/engine/checkpoint/store'
import { encodeTrainState } from '../../../src-main/core/engine/checkpoint/train-checkpoint'
import { OrtTrainer } from '../../../src-main/core/engine/onnx-train/trainer'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { toyDataSource } from '../../../src-main/core/engine/train/toy-source'
import type { TrainBackend } from '../../../src-main/core/engine/train/backend-name'
import type { TrainJob, WorkerMessage } from '../../../src-main/core/training/protocol'
import { makeControl, runTraining } from '../../../src-main/core/training/run'
import { jobFinished, open, tempRoot } from '../models/helpers'
import { judgedSnapshot, writeTinyBase } from './fixture'
import { syntheticImages, tinyWorldModel } from './tiny'

const root = tempRoot('finetune-backends-')
afterAll(() => root.remove())

const basePath = join(root.dir, 'base.ckpt')
beforeAll(async () => {
  const pre = await OrtTrainer.create(parseTrainConfig({ model: tinyWorldModel, batchSize: 8, learningRate: 1e-2, steps: 8, seed: 3 }), toyDataSource(tinyWorldModel), undefined, { provider: 'cpu' })
  for (let i = 0; i < 8; i++) await pre.trainStep()
  writeFileSync(basePath, encodeTrainState(pre.snapshot()))
  await pre.dispose()
})

const config = parseTrainConfig({
  model: tinyWorldModel,
  batchSize: 8,
  learningRate: 3e-3,
  steps: 8,
  seed: 11,
  weighting: 'debias',
  weightOptions: { maxSnr: 1000 },
  condDropout: 0.2,
  emaDecay: 0.9,
  checkpointEvery: 4
})
const spec = { method: 'popalign' as const, beta: 300, alpha: 0.5, images: syntheticImages(tinyWorldModel, 3, 2) }

async function finetune(name: string, backend: TrainBackend, stopAt?: number): Promise<{ runDir: string; messages: WorkerMessage[]; losses: number[] }> {
  const runDir = join(root.dir, name)
  const messages: WorkerMessage[] = []
  const control = makeControl()
  const job: TrainJob = { config, runDir, data: { module: 'toy' }, resume: true, initFrom: basePath, finetune: spec, backend, progressIntervalMs: 0 }
  await runTraining(
    job,
    (m) => {
      messages.push(m)
      if (stopAt !== undefined && m.type === 'checkpoint' && m.step === stopAt) control.cancel()
    },
    control
  )
  const done = messages.at(-1)
  if (done?.type !== 'done') throw new Error(`run ${name} did not finish: ${JSON.stringify(done)}`)
  return { runDir, messages, losses: done.losses }
}

const bits = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

describe('fine-tune backend choice', () => {
  it('PopAlign with 1/sqrt(SNR) weights, caption dropout and weight averaging: tfjs and onnxruntime take the same first steps', async () => {
    const tfjs = await finetune('tfjs', 'tfjs')
    const ort = await finetune('ort', 'onnxruntime')
    const backend = ort.messages.find((m) => m.type === 'backend')
    expect(backend).toMatchObject({ type: 'backend', executionProvider: 'cpu' })
    expect(backend?.type === 'backend' && backend.description).toMatch(/^onnxruntime-node \S+ \(CPU, 2 threads/)
    expect(tfjs.losses).toHaveLength(8)
    expect(ort.losses).toHaveLength(8)
    // Same weights, same batch: the first loss differs by float32 rounding only. onnxruntime's attention
    // is one FusedMatMul with the 1/sqrt(hd) scale inside the product (7cef179), tfjs scales after it,
    // so their rounding differs: 1.1e-5 measured (under 1e-5 before that change); a wrong op is off by far more.
    expect(Math.abs(ort.losses[0] - tfjs.losses[0])).toBeLessThan(5e-5 * Math.max(1, Math.abs(tfjs.losses[0])))
    for (let i = 0; i < 8; i++) expect(Math.abs(ort.losses[i] - tfjs.losses[i]), `step ${i + 1}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(tfjs.losses[i])))
    // The averaged weights agree too, tensor by tensor, except the attention key bias: its gradient is
    // exactly zero (softmax ignores a shift shared by all keys), so both backends feed Adam float noise
    // there and Adam, which normalises the gradient, moves it by up to lr per step either way.
    const emaOf = (runDir: string) => loadCheckpoint(listCheckpoints(runDir).at(-1)!.path).ema!
    const a = emaOf(tfjs.runDir)
    const b = emaOf(ort.runDir)
    const D = tinyWorldModel.width
    for (const k of Object.keys(a)) {
      const keyBias = (i: number): boolean => k.endsWith('.qkv.b') && i >= D && i < 2 * D
      let diff = 0
      let norm = 0
      for (let i = 0; i < a[k].length; i++) {
        if (keyBias(i)) continue
        diff += (a[k][i] - b[k][i]) ** 2
        norm += a[k][i] ** 2
      }
      expect(Math.sqrt(diff / norm), k).toBeLessThan(1e-4)
    }
  })

  it('an onnxruntime fine-tune stopped at a checkpoint resumes bit for bit', async () => {
    const straight = await finetune('straight', 'onnxruntime')
    const stopped = await finetune('resumed', 'onnxruntime', 4)
    expect(stopped.losses).toHaveLength(4)
    const resumed = await finetune('resumed', 'onnxruntime')
    expect(resumed.messages.some((m) => m.type === 'log' && /^resumed from .* at step 4/.test(m.message))).toBe(true)
    // The checkpoint carries the losses before it, so the resumed run's list is the whole run's.
    expect(resumed.losses).toEqual(straight.losses)
    const last = (runDir: string) => loadCheckpoint(listCheckpoints(runDir).at(-1)!.path)
    const s1 = last(straight.runDir)
    const s2 = last(resumed.runDir)
    expect(s2.step).toBe(8)
    for (const k of Object.keys(s1.params)) {
      expect(bits(s2.params[k]).equals(bits(s1.params[k])), k).toBe(true)
      expect(bits(s2.ema![k]).equals(bits(s1.ema![k])), `ema ${k}`).toBe(true)
    }
  })

  it('finetune.start takes the engine and the provider, records them, and refuses a provider this install lacks', async () => {
    const baseDir = join(root.dir, 'studio-base')
    mkdirSync(baseDir, { recursive: true })
    await writeTinyBase(baseDir)
    const ws = join(root.dir, 'studio')
    const s = await open(ws, { baseModelDir: baseDir })
    try {
      const projectId = (await s.call('projects.create', { name: 'Engines' })).id
      const snapshotId = await judgedSnapshot(s.studio.workspace, ws, projectId)
      const settings = { steps: 4, batchSize: 8, checkpointEvery: 4, seed: 2 }
      await expect(s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'popalign', settings, backend: 'onnxruntime', provider: 'cuda' })).rejects.toThrow(
        /The CUDA execution provider cannot be used: .*Choose Auto or CPU/
      )
      await expect(s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'dpo', settings, backend: 'tfjs', provider: 'dml' })).rejects.toThrow(
        /for the onnxruntime engine; tfjs trains on the CPU/
      )
      const job = await s.call('finetune.start', { projectId, snapshotId, base: 'base', method: 'popalign', settings, backend: 'onnxruntime' })
      const done = await jobFinished(s, job.id, 55_000)
      expect(done.state, done.error ?? '').toBe('done')
      const record = JSON.parse(readFileSync(join(ws, 'runs', String(job.id), 'run.json'), 'utf8'))
      expect(record.backend).toMatch(/^onnxruntime-node \S+ \(CPU, 2 threads/)
      expect(record.executionProvider).toBe('cpu')
      expect(record.finetune).toMatchObject({ method: 'popalign' })
      const [cmp] = await s.call('runs.compare', { runIds: [job.id] })
      expect(cmp.backend).toBe(record.backend)
    } finally {
      await s.close()
    }
  }, 90_000)
})
