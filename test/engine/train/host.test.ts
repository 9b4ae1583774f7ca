// The worker-thread host: a run from TypeScript sources reports throttled progress, writes
// checkpoints, pauses, resumes and cancels (keeping its progress for the next resume).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startTraining } from '../../../src-main/core/training/host'
import type { WorkerMessage } from '../../../src-main/core/training/protocol'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { listCheckpoints } from '../../../src-main/core/engine/checkpoint/store'
import { tinyModel } from './tiny'

const root = mkdtempSync(join(tmpdir(), 'popalign-host-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const config = parseTrainConfig({ model: tinyModel, batchSize: 4, learningRate: 1e-3, steps: 40, seed: 5, checkpointEvery: 15 })

describe('training host', () => {
  it('runs in a worker: progress <= 4/s with ETA, checkpoints, pause/resume, done', async () => {
    const messages: { at: number; m: WorkerMessage }[] = []
    let handle: ReturnType<typeof startTraining> | null = null
    let pausedOnce = false
    handle = startTraining(
      { config, runDir: join(root, 'a'), data: { module: 'toy' }, resume: false },
      {
        onMessage: (m) => {
          messages.push({ at: performance.now(), m })
          if (m.type === 'progress' && !pausedOnce) {
            pausedOnce = true
            handle!.pause()
          }
          if (m.type === 'paused') setTimeout(() => handle!.resume(), 300)
        }
      }
    )
    const done = await handle.result
    expect(done.step).toBe(40)
    expect(done.cancelled).toBe(false)
    expect(done.losses).toHaveLength(40)
    const types = messages.map((x) => x.m.type)
    expect(types[0]).toBe('log')
    expect(types).toContain('paused')
    expect(types.indexOf('resumed')).toBeGreaterThan(types.indexOf('paused'))
    const progress = messages.filter((x) => x.m.type === 'progress')
    // Arrival times on a busy machine say nothing about the worker's throttle (tested in throttle.test.ts);
    // what must hold is that reports move forward and end on the last step.
    for (let i = 1; i < progress.length; i++) {
      const [a, b] = [progress[i - 1].m, progress[i].m]
      if (a.type === 'progress' && b.type === 'progress') expect(b.step).toBeGreaterThan(a.step)
    }
    const last = progress.at(-1)!.m
    if (last.type !== 'progress') throw new Error('unreachable')
    expect(last.step).toBe(40)
    expect(last.totalSteps).toBe(40)
    expect(last.itPerSec).toBeGreaterThan(0)
    expect(last.etaSeconds).toBe(0)
    expect(messages.filter((x) => x.m.type === 'checkpoint').map((x) => (x.m as { step: number }).step)).toEqual([15, 30, 40])
  }, 60_000)

  it('a run stopped between two throttled reports reports the step it stopped on', async () => {
    // Reports at most once a minute: only step 1 goes out on its own, so every later step is held back.
    const dir = join(root, 'e')
    const progress: number[] = []
    let paused: number | null = null
    const handle = startTraining(
      { config, runDir: dir, data: { module: 'toy' }, resume: false, progressIntervalMs: 60_000 },
      {
        onMessage: (m) => {
          if (m.type === 'progress') progress.push(m.step)
          if (m.type === 'checkpoint' && m.step === 15) handle.pause()
          if (m.type === 'paused') {
            paused = m.step
            handle.cancel()
          }
        }
      }
    )
    const done = await handle.result
    expect(done.cancelled).toBe(true)
    expect(paused).toBeGreaterThanOrEqual(15)
    // The pause reported the step it stopped on (the cancel had nothing newer to add), and that is the
    // step of the run's last checkpoint: the job's counter and curve reach it.
    expect(progress).toEqual([1, paused])
    expect(done.step).toBe(paused)
    expect(listCheckpoints(dir).at(-1)?.step).toBe(paused)

    // A cancel without a pause first reports its step too, before the checkpoint written at it.
    const cancelDir = join(root, 'f')
    const reported: number[] = []
    const cancelled = startTraining(
      { config, runDir: cancelDir, data: { module: 'toy' }, resume: false, progressIntervalMs: 60_000 },
      {
        onMessage: (m) => {
          if (m.type === 'progress') reported.push(m.step)
          if (m.type === 'checkpoint' && m.step === 15) cancelled.cancel()
        }
      }
    )
    const end = await cancelled.result
    expect(end.cancelled).toBe(true)
    expect(end.step).toBeGreaterThanOrEqual(15)
    expect(reported).toEqual([1, end.step])
    expect(listCheckpoints(cancelDir).at(-1)?.step).toBe(end.step)
  }, 60_000)

  it('cancel stops early with a checkpoint at the stopping step; a bad job fails clearly', async () => {
    const dir = join(root, 'b')
    let cancelled = false
    const handle = startTraining(
      { config, runDir: dir, data: { module: 'toy' }, resume: false, progressIntervalMs: 0 },
      {
        onMessage: (m) => {
          if (m.type === 'progress' && m.step >= 3 && !cancelled) {
            cancelled = true
            handle.cancel()
          }
        }
      }
    )
    const done = await handle.result
    expect(done.cancelled).toBe(true)
    expect(done.step).toBeLessThan(40)
    expect(listCheckpoints(dir).at(-1)?.step).toBe(done.step)

    const bad = startTraining({ config: { ...config, batchSize: -1 }, runDir: join(root, 'c'), data: { module: 'toy' }, resume: false })
    await expect(bad.result).rejects.toThrow(/batchSize must be an integer/)
    const noData = startTraining({ config, runDir: join(root, 'd'), data: { module: join(root, 'missing-module.mjs') }, resume: false })
    await expect(noData.result).rejects.toThrow(/missing-module/)
  }, 60_000)
})
