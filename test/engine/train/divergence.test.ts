// Divergence: an injected non-finite loss makes the run roll back to its last good checkpoint with half the
// learning rate and go on; spikes that keep coming stop it after three rollbacks with the reason; a run
// resumed after a rollback keeps the lowered learning rate.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { latestCheckpoint } from '../../../src-main/core/engine/checkpoint/store'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { DivergenceGuard, MAX_ROLLBACKS } from '../../../src-main/core/engine/train/divergence'
import type { TrainJob, WorkerMessage } from '../../../src-main/core/training/protocol'
import { makeControl, runTraining } from '../../../src-main/core/training/run'
import { tinyModel } from './tiny'

const root = mkdtempSync(join(tmpdir(), 'popalign-diverge-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const config = parseTrainConfig({ model: tinyModel, batchSize: 4, learningRate: 1e-3, steps: 60, seed: 3, checkpointEvery: 10 })
const spikeModule = resolve(__dirname, 'fixtures/spike-source.ts')

async function run(name: string, options: object, extra: Partial<TrainJob> = {}): Promise<WorkerMessage[]> {
  const messages: WorkerMessage[] = []
  await runTraining({ config, runDir: join(root, name), data: { module: spikeModule, options }, resume: true, ...extra }, (m) => messages.push(m), makeControl())
  return messages
}

const guardEvents = (ms: WorkerMessage[]) => ms.filter((m): m is Extract<WorkerMessage, { type: 'guard' }> => m.type === 'guard')
const doneOf = (ms: WorkerMessage[]) => ms.find((m): m is Extract<WorkerMessage, { type: 'done' }> => m.type === 'done')!

describe('divergence guard', () => {
  it('flags non-finite losses and losses that stay far above the running median, not ordinary noise or one heavy batch', () => {
    const g = new DivergenceGuard()
    for (let i = 0; i < 30; i++) expect(g.observe(1 + 0.3 * Math.sin(i)).kind).toBe('ok')
    expect(g.observe(3).kind).toBe('ok')
    // One batch far above the median (a 1/sqrt(SNR) batch of the noisiest timesteps) is not divergence.
    expect(g.observe(25).kind).toBe('ok')
    expect(g.observe(1).kind).toBe('ok')
    expect(g.observe(25).kind).toBe('ok')
    expect(g.observe(30).kind).toBe('ok')
    expect(g.observe(40)).toMatchObject({ kind: 'spike', loss: 40, steps: 3 })
    expect(g.observe(Number.NaN).kind).toBe('non-finite')
    expect(g.observe(Infinity).kind).toBe('non-finite')
  })

  it('rolls back to the last good checkpoint with half the learning rate on an injected blow-up, and finishes', async () => {
    const ms = await run('one-spike', { calls: [35] })
    const events = guardEvents(ms)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ action: 'rollback', step: 30, toStep: 30, learningRate: 5e-4 })
    expect(events[0].reason).toMatch(/^the loss became NaN at step 35; rolled back to step 30 with learning rate 0.0005$/)
    const done = doneOf(ms)
    expect(done.step).toBe(60)
    expect(done.stopped).toBeUndefined()
    expect(done.losses.every(Number.isFinite)).toBe(true)
    expect(latestCheckpoint(join(root, 'one-spike'))!.state.config.learningRate).toBe(5e-4)
  }, 60_000)

  it('stops after three rollbacks when the spikes keep coming, naming why and the last good checkpoint', async () => {
    const ms = await run('always', { from: 35 })
    const events = guardEvents(ms)
    expect(events.map((e) => e.action)).toEqual([...Array(MAX_ROLLBACKS).fill('rollback'), 'stop'])
    expect(events.map((e) => e.learningRate)).toEqual([5e-4, 2.5e-4, 1.25e-4, 1.25e-4])
    const done = doneOf(ms)
    expect(done.stopped).toMatch(/still diverging after 3 rollbacks, stopped with the last good checkpoint at step 30$/)
    expect(done.step).toBeLessThan(60)

    // Resumed later (e.g. after the cause is fixed): it keeps the lowered learning rate and finishes.
    const again = await run('always', {})
    expect(again.some((m) => m.type === 'log' && /learning rate the divergence guard lowered to 0.000125/.test(m.message))).toBe(true)
    expect(doneOf(again).step).toBe(60)
  }, 60_000)

  it('stops at once when the run asks to stop rather than roll back', async () => {
    const ms = await run('stop', { calls: [35] }, { onDivergence: 'stop' })
    expect(guardEvents(ms).map((e) => e.action)).toEqual(['stop'])
    expect(doneOf(ms).stopped).toBe('the loss became NaN at step 35; stopped with the last good checkpoint at step 30')
  }, 60_000)
})
