// The studio on a real one-node Slurm cluster on loopback (slurm-cluster.ts): a β sweep of the tiny SD
// model submitted as a job array with sbatch, followed through squeue/scontrol and the tasks' output
// files into each task's curve, to completion with lineage and both LoRAs; then a long run cancelled
// with scancel, which the trainer answers with a checkpoint.
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
import { createSlurmClient } from '../../src-main/core/features/fine-tuning/real/slurm/client'
import { slurmLayout } from '../../src-main/core/features/fine-tuning/real/slurm/script'
import { trainerCheckpointStep } from '../../src-main/core/features/fine-tuning/real/job'
import type { RealFinetuneSettings } from '../../src-main/core/features/fine-tuning/real/settings'
import { requireTestEnv, SKIP_PYTHON, TRAINER_SOURCE } from '../helpers/python-env'
import { toyPreference, type ToyPreference } from './fixture'
import { startLoopbackCluster, type LoopbackCluster } from './slurm-cluster'

const SETTINGS: Partial<RealFinetuneSettings> = {
  method: 'popalign',
  alpha: 0.5,
  captionDropout: 0,
  steps: 4,
  pairsPerStep: 2,
  learningRate: 1e-2,
  warmupSteps: 0,
  seed: 3,
  loraRank: 4,
  resolution: 64,
  mixedPrecision: 'no',
  gradientCheckpointing: false,
  checkpointEvery: 2,
  processes: 1
}
const CPU_NODE = { gpusPerNode: 0, cpusPerTask: 1, timeLimit: '10:00' }

const cluster = SKIP_PYTHON ? ({ skip: 'POPALIGN_SKIP_PYTHON=1' } as const) : await startLoopbackCluster()
if ('skip' in cluster) console.log(`[slurm] loopback cluster test skipped: ${cluster.skip}`)

describe.skipIf('skip' in cluster)('real-model fine-tune on a loopback Slurm cluster', () => {
  const slurm = cluster as LoopbackCluster
  let tmp: ReturnType<typeof tempDir>
  let toy: ToyPreference
  let runner: JobRunner
  let train: TrainJobs
  let modelDir: string
  let workspaceDir: string

  /** The studio's job runner and train jobs over the test workspace, as one start of the studio makes them. */
  const openStudio = (envDir: string): { runner: JobRunner; train: TrainJobs } => {
    const r = createJobRunner({ db: toy.ws.db, throttleMs: 0 })
    const catalog = createCatalog({ workspaceDir, baseModelDir: join(tmp.dir, 'no-base'), runName: () => null })
    const t = createTrainJobs({
      ws: toy.ws,
      runner: r,
      catalog,
      workspaceDir,
      emit: () => {},
      log: () => {},
      qualityChecks: false,
      realTrainer: { envDir, sourceDir: TRAINER_SOURCE, slurm: { client: createSlurmClient({ env: slurm.env }), pollMs: 300 } }
    })
    return { runner: r, train: t }
  }

  beforeAll(async () => {
    const envDir = requireTestEnv()
    tmp = tempDir('popalign-slurm-run-')
    modelDir = join(tmp.dir, 'tiny-sd')
    const built = spawnSync(envPython(envDir), ['-m', 'popalign_trainer.tiny_models', modelDir], { env: trainerEnv(TRAINER_SOURCE), encoding: 'utf8' })
    if (built.status !== 0) throw new Error(`building the tiny model failed: ${built.stderr}`)
    toy = await toyPreference(tmp.dir, 4)
    workspaceDir = join(tmp.dir, 'workspace')
    ;({ runner, train } = openStudio(envDir))
  }, 300_000)

  afterAll(async () => {
    await runner?.shutdown()
    toy?.close()
    await slurm.stop()
    tmp?.cleanup()
  })

  const waitFor = async (jobId: number, pred: (j: Job) => boolean, timeoutMs: number): Promise<Job> => {
    const t0 = Date.now()
    for (;;) {
      const j = runner.get(jobId)
      if (pred(j)) return j
      if (j.state === 'failed') throw new Error(`job failed: ${j.error ?? ''}`)
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; job is ${j.state} at ${j.done}/${j.total}: ${j.message ?? ''} ${j.error ?? ''}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  it('runs a β sweep as a job array to completion, each task followed into its own curve, across a studio restart', async () => {
    const t0 = Date.now()
    const job = train.startReal(toy.projectId, { modelDir, snapshotId: toy.snapshotId, settings: SETTINGS, slurm: { ...CPU_NODE, sweepBetas: [250, 1000] } })
    const runDir = runDirOf(workspaceDir, job.id)
    // The studio closes while the cluster trains: the Slurm job keeps running, and the next start
    // follows the same job (no second submission) to the end.
    await waitFor(job.id, (j) => j.done >= 1, 200_000)
    await runner.shutdown()
    expect(runner.get(job.id).state).toBe('running')
    ;({ runner, train } = openStudio(requireTestEnv()))
    runner.resumePending()
    const done = await waitFor(job.id, (j) => j.state === 'done', 240_000)
    expect(
      readFileSync(join(runDir, 'slurm', 'submissions.jsonl'), 'utf8')
        .trim()
        .split('\n')
    ).toHaveLength(1)
    expect(done.state).toBe('done')
    expect(done.message).toMatch(/^Slurm job id \d+: 2 tasks trained 4 steps each \(β 250, 1000\)$/)
    const slurmJobId = /^Slurm job id (\d+)/.exec(done.message ?? '')![1]

    // Each array task trained its own β and wrote its own curve and LoRA.
    for (const [task, beta] of [250, 1000].entries()) {
      const dir = task === 0 ? runDir : slurmLayout.taskDir(runDir, task)
      expect(readMetrics(dir).map((l) => l.step)).toEqual([1, 2, 3, 4])
      expect(readMetrics(dir)[0].loss).toBeCloseTo(Math.LN2, 6)
      expect(JSON.parse(readFileSync(slurmLayout.runFile(runDir, task), 'utf8')).beta).toBe(beta)
      const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'))
      expect(result).toMatchObject({ kind: 'lora', beta, step: 4 })
      expect(existsSync(result.path)).toBe(true)
    }
    // Slurm itself says both tasks completed (the follower asked scontrol once they left the queue).
    const states = await createSlurmClient({ env: slurm.env }).tasks(slurmJobId, 2)
    expect(states.map((s) => s.state)).toEqual(['COMPLETED', 'COMPLETED'])
    const lineage = JSON.parse(readFileSync(join(runDir, 'lineage.json'), 'utf8'))
    expect(lineage).toMatchObject({ kind: 'real-finetune-slurm', slurmJobId, command: ['sbatch', '--parsable', slurmLayout.script(runDir)] })
    expect(lineage.tasks.map((t: { beta: number }) => t.beta)).toEqual([250, 1000])
    expect(lineage.versions.torch).toMatch(/^2\./)
    console.log(`[slurm] β sweep of 2 array tasks × 4 steps done in ${((Date.now() - t0) / 1000).toFixed(1)} s as Slurm job ${slurmJobId}`)
  }, 300_000)

  it('cancels a running Slurm job with scancel; the trainer checkpoints before it ends', async () => {
    const job = train.startReal(toy.projectId, { modelDir, snapshotId: toy.snapshotId, settings: { ...SETTINGS, beta: 500, steps: 5000, checkpointEvery: 10_000 }, slurm: CPU_NODE })
    await waitFor(job.id, (j) => j.done >= 2, 200_000)
    const runDir = runDirOf(workspaceDir, job.id)
    const slurmJobId = JSON.parse(readFileSync(join(runDir, 'slurm', 'submissions.jsonl'), 'utf8').split('\n')[0]).slurmJobId as string
    train.cancel(job.id)
    await runner.idle()
    expect(runner.get(job.id).state).toBe('cancelled')
    const states = await createSlurmClient({ env: slurm.env }).tasks(slurmJobId, 1)
    expect(states[0].state).toBe('CANCELLED')
    // SIGTERM from scancel reached the trainer inside srun: it wrote a stop checkpoint and said so.
    const events = readFileSync(slurmLayout.stdout(runDir, 0), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string; step?: number })
    const stopped = events.find((e) => e.event === 'stopped')
    const errTail = existsSync(slurmLayout.stderr(runDir, 0)) ? readFileSync(slurmLayout.stderr(runDir, 0), 'utf8').slice(-1500) : ''
    expect(
      events.map((e) => e.event),
      errTail
    ).toContain('stopped')
    expect(stopped!.step).toBeGreaterThanOrEqual(2)
    expect(trainerCheckpointStep(join(slurmLayout.taskDir(runDir, 0), 'trainer'))).toBe(stopped!.step)
  }, 300_000)
})
