// Weight averaging: a run with emaDecay keeps an EMA of its weights, checkpoints it with the run (so a
// resume continues the same average bit for bit) and writes it as its own checkpoints, which the model
// catalog lists as "run:N@S-ema" for sampling.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listCheckpoints, listEmaCheckpoints, loadCheckpoint } from '../../../src-main/core/engine/checkpoint/store'
import { emaDecayAt } from '../../../src-main/core/engine/train/ema'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import type { WorkerMessage } from '../../../src-main/core/training/protocol'
import { makeControl, runTraining } from '../../../src-main/core/training/run'
import { createCatalog } from '../../../src-main/core/features/models/catalog'
import { runDirOf } from '../../../src-main/core/features/models/paths'
import { tinyModel } from './tiny'

const root = mkdtempSync(join(tmpdir(), 'popalign-ema-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const config = parseTrainConfig({ model: tinyModel, batchSize: 4, learningRate: 1e-3, steps: 30, seed: 2, checkpointEvery: 10, emaDecay: 0.9 })

async function train(runDir: string, control = makeControl(), onMessage: (m: WorkerMessage) => void = () => {}): Promise<void> {
  await runTraining({ config, runDir, data: { module: 'toy' }, resume: true }, onMessage, control)
}

describe('weight averaging (EMA)', () => {
  it('warms its decay up and leaves configs without it unchanged', () => {
    expect(emaDecayAt(1, 0.999)).toBeCloseTo(2 / 11, 12)
    expect(emaDecayAt(1e6, 0.999)).toBe(0.999)
    expect(parseTrainConfig({ model: tinyModel })).not.toHaveProperty('emaDecay')
    expect(() => parseTrainConfig({ model: tinyModel, emaDecay: 1 })).toThrow(/emaDecay must be a number in \[0, 1\)/)
  })

  it('averages the weights, checkpoints the average with the run and writes it as its own checkpoints', async () => {
    const workspace = join(root, 'ws')
    const dir = runDirOf(workspace, 7)
    const messages: WorkerMessage[] = []
    await train(dir, makeControl(), (m) => messages.push(m))
    const state = loadCheckpoint(listCheckpoints(dir).at(-1)!.path)
    expect(state.ema).toBeDefined()
    const name = Object.keys(state.params)[0]
    // The average lags the weights: close to them, but not equal.
    expect(Array.from(state.ema![name])).not.toEqual(Array.from(state.params[name]))
    const emaFiles = listEmaCheckpoints(dir)
    expect(emaFiles.map((c) => c.step)).toEqual([10, 20, 30])
    expect(Array.from(loadCheckpoint(emaFiles.at(-1)!.path).params[name])).toEqual(Array.from(state.ema![name]))
    expect(messages.filter((m) => m.type === 'checkpoint' && m.averaged).length).toBe(3)

    const catalog = createCatalog({ workspaceDir: workspace, baseModelDir: join(root, 'none') })
    expect(
      catalog
        .list()
        .map((e) => e.id)
        .slice(0, 2)
    ).toEqual(['run:7@30-ema', 'run:7@30'])
    expect(catalog.resolve('run:7@20-ema').path).toBe(emaFiles[1].path)
    expect(catalog.resolve('run:7').id).toBe('run:7@30')
    expect(catalog.latestOfRun(7)?.id).toBe('run:7@30')
    expect(() => catalog.resolve('run:7@5-ema')).toThrow(/no weight-average checkpoint at step 5/)
  }, 60_000)

  it('resumes the same average bit for bit after a stop', async () => {
    const whole = join(root, 'whole')
    await train(whole)
    const split = join(root, 'split')
    const control = makeControl()
    await train(split, control, (m) => {
      if (m.type === 'checkpoint' && m.step === 10) control.cancel()
    })
    expect(listCheckpoints(split).at(-1)!.step).toBeLessThan(30)
    await train(split)
    const a = loadCheckpoint(listCheckpoints(whole).at(-1)!.path)
    const b = loadCheckpoint(listCheckpoints(split).at(-1)!.path)
    expect(b.step).toBe(30)
    for (const k of Object.keys(a.ema!)) expect(Array.from(b.ema![k])).toEqual(Array.from(a.ema![k]))
    expect(b.losses).toEqual(a.losses)
  }, 60_000)
})
