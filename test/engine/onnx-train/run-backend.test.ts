// The worker loop (training/run.ts) with the backend as a job choice: an onnxruntime run names its
// backend (the line run.json records), writes checkpoints, and a run paused on one backend continues
// on the other from the same checkpoint with the same batches; tfjs takes over, saying why, when
// onnxruntime cannot start, but a provider the user named is refused, never swapped; a bad backend name
// is refused.
import * as ort from 'onnxruntime-node'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { listCheckpoints, loadCheckpoint } from '../../../src-main/core/engine/checkpoint/store'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import type { TrainJob, WorkerMessage } from '../../../src-main/core/training/protocol'
import { makeControl, runTraining } from '../../../src-main/core/training/run'
import { tinyModel } from '../train/tiny'

const root = mkdtempSync(join(tmpdir(), 'popalign-ortrun-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function train(job: Partial<TrainJob> & Pick<TrainJob, 'config' | 'runDir'>): Promise<WorkerMessage[]> {
  const messages: WorkerMessage[] = []
  await runTraining({ data: { module: 'toy' }, resume: true, ...job }, (m) => messages.push(m), makeControl())
  return messages
}

describe('training backend choice', () => {
  it('runs on onnxruntime and names it; a run stopped there continues on tfjs with the same batches', async () => {
    const config = parseTrainConfig({ model: tinyModel, batchSize: 4, learningRate: 1e-3, steps: 10, seed: 4, checkpointEvery: 5 })
    const full = await train({ config, runDir: join(root, 'ort'), backend: 'onnxruntime' })
    const backendLine = full.find((m) => m.type === 'log' && m.message.startsWith('backend: '))
    expect(backendLine?.type === 'log' && backendLine.message).toMatch(/^backend: onnxruntime-node .*2 threads/)
    expect(full.at(-1)).toMatchObject({ type: 'done', step: 10, cancelled: false })
    expect(listCheckpoints(join(root, 'ort')).map((c) => c.step)).toEqual([5, 10])
    const ortLosses = (full.at(-1) as { losses: number[] }).losses

    // Stop an onnxruntime run at its step-5 checkpoint, then resume the folder on tfjs.
    const runDir = join(root, 'switch')
    const control = makeControl()
    await runTraining(
      { config, runDir, data: { module: 'toy' }, resume: true, backend: 'onnxruntime' },
      (m) => {
        if (m.type === 'checkpoint' && m.step === 5) control.cancel()
      },
      control
    )
    expect(listCheckpoints(runDir).map((c) => c.step)).toEqual([5])
    const resumed = await train({ config, runDir })
    expect(resumed.some((m) => m.type === 'log' && /^backend: tfjs/.test(m.message))).toBe(true)
    const losses = (resumed.at(-1) as { losses: number[] }).losses
    expect(losses.slice(0, 5)).toEqual(ortLosses.slice(0, 5))
    for (let i = 5; i < 10; i++) expect(Math.abs(losses[i] - ortLosses[i]) / ortLosses[i]).toBeLessThan(0.02)
    expect(loadCheckpoint(listCheckpoints(runDir).at(-1)!.path).step).toBe(10)
  })

  it('a base-training step split into micro-batches says so in the backend line (run.json)', async () => {
    // tinyModel has 16 tokens a sample: 160 samples are 2,560 tokens, two runs of 80 on the CPU.
    const config = parseTrainConfig({ model: tinyModel, batchSize: 160, learningRate: 1e-3, steps: 1, seed: 4, checkpointEvery: 1 })
    const messages = await train({ config, runDir: join(root, 'split'), backend: 'onnxruntime', provider: 'cpu' })
    const backend = messages.find((m) => m.type === 'backend')
    expect(backend?.type === 'backend' && backend.description).toMatch(/^onnxruntime-node .*\(CPU, 2 threads, basic optimisation\); each step in 2 runs of 80 samples$/)
    expect(messages.at(-1)).toMatchObject({ type: 'done', step: 1, cancelled: false })
  })

  it('falls back to tfjs when onnxruntime cannot start, and says so; a named provider is refused instead', async () => {
    const config = parseTrainConfig({ model: tinyModel, batchSize: 4, learningRate: 1e-3, steps: 3, seed: 4, checkpointEvery: 3 })
    const broken = vi.spyOn(ort.InferenceSession, 'create').mockRejectedValue(new Error('simulated: this build has no kernel for the graph'))
    let messages: WorkerMessage[]
    try {
      messages = await train({ config, runDir: join(root, 'fallback'), backend: 'onnxruntime' })
    } finally {
      broken.mockRestore()
    }
    const backend = messages.find((m) => m.type === 'backend')
    expect(backend?.type === 'backend' && backend.description).toMatch(/^tfjs .*\(fallback: onnxruntime could not start: .*simulated: this build has no kernel for the graph\)$/)
    expect(messages.some((m) => m.type === 'log' && m.level === 'warn' && /training on tfjs, the fallback/.test(m.message))).toBe(true)
    expect(messages.at(-1)).toMatchObject({ type: 'done', step: 3, cancelled: false })
    await expect(train({ config, runDir: join(root, 'named'), backend: 'onnxruntime', provider: 'cuda' })).rejects.toThrow(/The CUDA execution provider cannot be used/)
  })

  it('refuses an unknown backend by name', async () => {
    const config = parseTrainConfig({ model: tinyModel, batchSize: 4, steps: 2 })
    await expect(train({ config, runDir: join(root, 'c'), backend: 'cuda' as never })).rejects.toThrow(/training backend must be one of tfjs, onnxruntime, got "cuda"/)
  })
})
