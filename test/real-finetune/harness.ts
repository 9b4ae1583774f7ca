// What every test of the studio's real-model train job needs: the tiny SD model built by the trainer's
// own generator, the toy preference snapshot, a job runner and the train jobs over the managed test
// environment, and a wait that fails with the job's error and the trainer's last log lines.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { Job } from '@shared/contract'
import { tempDir } from '../store/helpers'
import { createJobRunner, type JobRunner } from '../../src-main/core/jobs/runner'
import { createCatalog } from '../../src-main/core/features/models/catalog'
import { createTrainJobs, type TrainJobs } from '../../src-main/core/features/models/train-jobs'
import { runDirOf } from '../../src-main/core/features/models/paths'
import { envPython, trainerEnv } from '../../src-main/core/python-env'
import type { RealFinetuneSettings } from '../../src-main/core/features/fine-tuning/real/settings'
import type { SlurmDeps } from '../../src-main/core/features/fine-tuning/real/slurm/job'
import { requireTestEnv, TRAINER_SOURCE } from '../helpers/python-env'
import { toyPreference, type ToyPreference } from './fixture'
import { REAL_FINETUNE_PRESETS } from '../../src-main/shared/real-finetune-presets'

/** The screen's "quick check" preset on the tiny model, seed 3 (a development seed, see loop.test.ts). */
export const TINY_SETTINGS: Partial<RealFinetuneSettings> = { ...REAL_FINETUNE_PRESETS.quick.settings, seed: 3 }

export interface RealHarness {
  dir: string
  envDir: string
  modelDir: string
  workspaceDir: string
  toy: ToyPreference
  runner: JobRunner
  train: TrainJobs
  logs: string[]
  runDir(jobId: number): string
  /** Polls the job until pred holds; throws on failure or timeout with what the job and trainer said. */
  waitFor(jobId: number, pred: (j: Job) => boolean, timeoutMs: number): Promise<Job>
  close(): Promise<void>
}

/** slurm: how the train jobs reach Slurm (a test cluster's client, or one whose PATH lacks sbatch). */
export async function realHarness(prefix: string, opts: { slurm?: SlurmDeps['slurm'] } = {}): Promise<RealHarness> {
  const envDir = requireTestEnv()
  const tmp = tempDir(prefix)
  const modelDir = join(tmp.dir, 'tiny-sd')
  const built = spawnSync(envPython(envDir), ['-m', 'popalign_trainer.tiny_models', modelDir], { env: trainerEnv(TRAINER_SOURCE), encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`building the tiny model failed: ${built.stderr}`)
  const toy = await toyPreference(tmp.dir)
  const runner = createJobRunner({ db: toy.ws.db, throttleMs: 0 })
  const workspaceDir = join(tmp.dir, 'workspace')
  const logs: string[] = []
  const catalog = createCatalog({ workspaceDir, baseModelDir: join(tmp.dir, 'no-base'), runName: () => null })
  const train = createTrainJobs({
    ws: toy.ws,
    runner,
    catalog,
    workspaceDir,
    emit: () => {},
    log: (l) => logs.push(l),
    qualityChecks: false,
    realTrainer: { envDir, sourceDir: TRAINER_SOURCE, slurm: opts.slurm }
  })
  return {
    dir: tmp.dir,
    envDir,
    modelDir,
    workspaceDir,
    toy,
    runner,
    train,
    logs,
    runDir: (jobId) => runDirOf(workspaceDir, jobId),
    async waitFor(jobId, pred, timeoutMs) {
      const t0 = Date.now()
      for (;;) {
        const j = runner.get(jobId)
        if (pred(j)) return j
        if (j.state === 'failed') throw new Error(`job failed: ${j.error ?? ''} ${logs.slice(-5).join(' | ')}`)
        if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; job is ${j.state} at ${j.done}/${j.total}: ${j.message ?? ''} ${j.error ?? ''} ${logs.slice(-5).join(' | ')}`)
        await new Promise((r) => setTimeout(r, 200))
      }
    },
    async close() {
      await runner.shutdown()
      toy.close()
      tmp.cleanup()
    }
  }
}
