// The whole real-model loop on the CPU (issue 14): a judged snapshot -> the studio's train job exports
// it as the PopAlignSDXL CSV -> `accelerate launch` of the managed trainer (PopAlign, LoRA, tiny SD
// model with diffusers' real classes) -> the JSON-lines progress followed into metrics.jsonl ->
// lineage and the LoRA brought back. Also pause (the process group stops), resume, and cancel.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { tempDir } from '../store/helpers'
import { createJobRunner, type JobRunner } from '../../src-main/core/jobs/runner'
import { createCatalog } from '../../src-main/core/features/models/catalog'
import { createTrainJobs, type TrainJobs } from '../../src-main/core/features/models/train-jobs'
import { readMetrics } from '../../src-main/core/features/models/metrics-log'
import { runDirOf } from '../../src-main/core/features/models/paths'
import { envPython, trainerEnv } from '../../src-main/core/python-env'
import { trainerCheckpointStep } from '../../src-main/core/features/fine-tuning/real/job'
import type { RealFinetuneSettings } from '../../src-main/core/features/fine-tuning/real/settings'
import { requireTestEnv, SKIP_PYTHON, TRAINER_SOURCE } from '../helpers/python-env'
import { toyPreference, type ToyPreference } from './fixture'

const SETTINGS: Partial<RealFinetuneSettings> = {
  method: 'popalign',
  beta: 500,
  alpha: 0.5,
  weighting: 'constant',
  captionDropout: 0,
  steps: 20,
  pairsPerStep: 4,
  learningRate: 1e-2,
  warmupSteps: 0,
  seed: 3,
  loraRank: 4,
  resolution: 64,
  mixedPrecision: 'no',
  gradientCheckpointing: false,
  checkpointEvery: 10,
  processes: 1,
  cpu: true
}

describe.skipIf(SKIP_PYTHON)('real-model fine-tune job (tiny SD, CPU)', () => {
  let tmp: ReturnType<typeof tempDir>
  let toy: ToyPreference
  let runner: JobRunner
  let train: TrainJobs
  let modelDir: string
  const logs: string[] = []

  beforeAll(async () => {
    const envDir = requireTestEnv()
    tmp = tempDir('popalign-real-')
    modelDir = join(tmp.dir, 'tiny-sd')
    const built = spawnSync(envPython(envDir), ['-m', 'popalign_trainer.tiny_models', modelDir], { env: trainerEnv(TRAINER_SOURCE), encoding: 'utf8' })
    if (built.status !== 0) throw new Error(`building the tiny model failed: ${built.stderr}`)
    toy = await toyPreference(tmp.dir)
    runner = createJobRunner({ db: toy.ws.db, throttleMs: 0 })
    const workspaceDir = join(tmp.dir, 'workspace')
    const catalog = createCatalog({ workspaceDir, baseModelDir: join(tmp.dir, 'no-base'), runName: () => null })
    train = createTrainJobs({ ws: toy.ws, runner, catalog, workspaceDir, emit: () => {}, log: (l) => logs.push(l), qualityChecks: false, realTrainer: { envDir, sourceDir: TRAINER_SOURCE } })
  }, 300_000)

  afterAll(async () => {
    await runner?.shutdown()
    toy?.close()
    tmp?.cleanup()
  })

  const waitFor = async (jobId: number, pred: (j: Job) => boolean, timeoutMs: number): Promise<Job> => {
    const t0 = Date.now()
    for (;;) {
      const j = runner.get(jobId)
      if (pred(j)) return j
      if (j.state === 'failed') throw new Error(`job failed: ${j.error ?? ''} ${logs.slice(-5).join(' | ')}`)
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; job is ${j.state} at ${j.done}/${j.total}: ${j.message ?? ''} ${j.error ?? ''} ${logs.slice(-5).join(' | ')}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  it('trains a PopAlign LoRA for 20 steps from log 2, followed into metrics.jsonl, with lineage and the LoRA brought back', async () => {
    const job = train.startReal(toy.projectId, { modelDir, snapshotId: toy.snapshotId, settings: SETTINGS })
    const done = await waitFor(job.id, (j) => j.state !== 'running', 280_000)
    expect(done.error ?? null).toBeNull()
    expect(done.state).toBe('done')
    const runDir = runDirOf(join(tmp.dir, 'workspace'), job.id)

    // The same curve file the built-in runs write, one point per step, with the preference metrics.
    const lines = readMetrics(runDir)
    expect(lines.map((l) => l.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    // At step 1 the LoRA is zero, so policy = reference: the loss is exactly log 2 and nothing is ahead.
    expect(lines[0].loss).toBeCloseTo(Math.LN2, 6)
    expect(lines[0].implicitAccuracy).toBe(0.5)
    expect(lines[0].rewardMargin).toBe(0)
    // Afterwards the LoRA moves the policy away from the reference.
    expect(lines.slice(1).some((l) => Math.abs(l.loss - Math.LN2) > 1e-4)).toBe(true)
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length
    const late = lines.slice(-10)
    // Printed, not asserted: on 8x8 latents the per-image spread of g = r - m outweighs the class
    // separation within 20 steps (see the report of issue 14), so the loss is not yet below log 2.
    console.log(
      `[real-finetune] loss first ${lines[0].loss.toFixed(4)} last-10 mean ${mean(late.map((l) => l.loss)).toFixed(4)} · implicit accuracy last-10 mean ${mean(late.map((l) => l.implicitAccuracy as number)).toFixed(3)} · reward margin last-10 mean ${mean(late.map((l) => l.rewardMargin as number)).toFixed(3)}`
    )

    // Lineage: the command that ran, its environment, versions, the snapshot and the exported data.
    const lineage = JSON.parse(readFileSync(join(runDir, 'lineage.json'), 'utf8'))
    expect(lineage.command.slice(1, 2)).toEqual(['launch'])
    expect(lineage.command).toContain('popalign_trainer.train')
    expect(lineage.versions.torch).toMatch(/^2\.13\.0/)
    expect(lineage.snapshot).toEqual({ id: toy.snapshotId, contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(lineage.data.pairs).toBe(16)
    expect(lineage.environment.HF_HUB_OFFLINE).toBe('1')
    const csv = readFileSync(join(runDir, 'data', 'annotation_train.csv'), 'utf8')
      .trim()
      .split('\n')
    expect(csv[0]).toBe('jpg_0,jpg_1,caption,label')
    expect(csv).toHaveLength(17)

    // The LoRA is brought back into the run folder, in diffusers' LoRA file format.
    const result = JSON.parse(readFileSync(join(runDir, 'result.json'), 'utf8'))
    expect(result.kind).toBe('lora')
    expect(existsSync(result.path)).toBe(true)
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(trainerCheckpointStep(join(runDir, 'trainer'))).toBe(20)
    expect(train.metrics(job.id, 100).totalSteps).toBe(20)
  }, 300_000)

  it('pauses the process group, resumes it, and a cancel checkpoints and stops', async () => {
    const job = train.startReal(toy.projectId, { modelDir, snapshotId: toy.snapshotId, settings: { ...SETTINGS, steps: 200, checkpointEvery: 1000 } })
    await waitFor(job.id, (j) => j.done >= 1, 200_000)
    train.pause(job.id)
    await new Promise((r) => setTimeout(r, 500))
    const runDir = runDirOf(join(tmp.dir, 'workspace'), job.id)
    const stepsAtPause = readMetrics(runDir).length
    await new Promise((r) => setTimeout(r, 3000))
    expect(readMetrics(runDir).length).toBe(stepsAtPause)
    train.resume(job.id)
    await waitFor(job.id, (j) => j.done > stepsAtPause, 120_000)
    train.cancel(job.id)
    await runner.idle()
    expect(runner.get(job.id).state).toBe('cancelled')
    // The trainer saw SIGTERM, wrote a checkpoint at the step it had reached, and exited.
    expect(trainerCheckpointStep(join(runDir, 'trainer'))).toBeGreaterThan(stepsAtPause)
  }, 300_000)
})
