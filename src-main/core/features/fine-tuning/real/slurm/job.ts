// A real-model fine-tune on a Slurm cluster, as a studio job (kind 'train'): the job exports the
// snapshot, writes one trainer-run.json per array task (a β sweep, or one task), the Accelerate
// config, the batch script and the plain multi-machine command, submits with sbatch and follows the
// tasks' states and progress streams into the run's live curves. The Slurm job id is kept in the
// job's payload, so a studio that closes and opens again follows the same cluster job instead of
// submitting a second one; closing the studio leaves the cluster job running, cancel scancels it.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { appendJsonLine } from '../../../../fs/jsonl'
import { writeFileAtomicSync } from '../../../../fs/atomic-write'
import type { JobContext } from '../../../../jobs/runner'
import { appendMetrics } from '../../../models/metrics-log'
import { runDirOf } from '../../../models/paths'
import { truncateMetricsAfter } from '../../../models/run-resume-tidy'
import {
  checkModelFolder,
  ensureTrainerEnv,
  lineageCommon,
  exportSnapshotData,
  LINEAGE_FILE,
  RESULT_FILE,
  sha256File,
  stepMetrics,
  trainerCheckpointStep,
  type RealFinetuneDeps,
  type RealFinetunePayload
} from '../job'
import { parseRealSettings, runFile } from '../settings'
import type { RunControl, TrainerEvent } from '../trainer-process'
import { createSlurmClient, SbatchMissingError, type SlurmClient, type TaskState } from './client'
import { recordWritten, writtenMessage } from './written'
import { followSlurmJob, stderrTail } from './follow'
import { clusterAccelerateConfig, clusterSettings, multiNodeLaunchCommand, slurmBatchScript, slurmLayout, slurmNodeScript } from './script'
import { parseSlurmSettings, taskBetas, type SlurmSettings } from './settings'

export interface SlurmPayload extends RealFinetunePayload {
  real: RealFinetunePayload['real'] & { slurm: SlurmSettings; slurmJobId?: string }
}

export function isSlurmPayload(p: unknown): p is SlurmPayload {
  return typeof p === 'object' && p !== null && 'real' in p && typeof (p as SlurmPayload).real === 'object' && (p as SlurmPayload).real !== null && 'slurm' in (p as SlurmPayload).real
}

export interface SlurmDeps extends RealFinetuneDeps {
  /** sbatch and friends (a test cluster's SLURM_CONF); the process's own environment when absent. */
  slurm?: { client?: SlurmClient; pollMs?: number }
}

export const SUBMISSIONS_FILE = 'submissions.jsonl'

/** Task 0's curves are the run's own (metrics.jsonl beside run.json); the other tasks' live in tasks/<i>/. */
export function taskRecordDir(runDir: string, task: number): string {
  return task === 0 ? runDir : slurmLayout.taskDir(runDir, task)
}

/** The files of a Slurm run, written (again) before each submission; returns the script's path. */
export function writeSlurmRunFiles(runDir: string, real: SlurmPayload['real'], paths: { envDir: string; sourceDir: string; dataFile: string }, jobName: string): string {
  const settings = parseRealSettings(real.settings)
  const slurm = parseSlurmSettings(real.slurm)
  const betas = taskBetas(slurm, settings.beta)
  // The run files say CPU or GPU as the cluster's machines have them, not as this machine does.
  const onCluster = clusterSettings(settings, slurm)
  mkdirSync(join(runDir, 'slurm'), { recursive: true })
  betas.forEach((beta, task) => {
    mkdirSync(slurmLayout.taskDir(runDir, task), { recursive: true })
    const file = runFile({ ...onCluster, beta }, { model: real.modelDir, data: paths.dataFile, output: join(slurmLayout.taskDir(runDir, task), 'trainer') })
    writeFileAtomicSync(slurmLayout.runFile(runDir, task), JSON.stringify(file, null, 2) + '\n')
  })
  const cluster = { runDir, envDir: paths.envDir, sourceDir: paths.sourceDir }
  const description = `${settings.method} fine-tune of ${real.modelDir} on snapshot ${real.snapshot.contentSha256.slice(0, 12)}`
  writeFileAtomicSync(slurmLayout.accelerate(runDir), clusterAccelerateConfig(settings, slurm))
  writeFileAtomicSync(join(runDir, 'slurm', 'launch-multinode.sh'), multiNodeLaunchCommand(settings, slurm, cluster))
  writeFileAtomicSync(slurmLayout.nodeScript(runDir), slurmNodeScript())
  const script = slurmLayout.script(runDir)
  writeFileAtomicSync(script, slurmBatchScript(settings, slurm, cluster, { jobName, description }))
  return script
}

function summary(states: TaskState[], steps: number[], betas: number[], total: number): string {
  if (states.length === 1) return `${states[0].state.toLowerCase()}${states[0].reason ? ` (${states[0].reason})` : ''} · step ${steps[0]} of ${total}`
  return states.map((s, i) => `β ${betas[i]}: ${s.state.toLowerCase()} ${steps[i]}/${total}`).join(' · ')
}

export async function runSlurmFinetune(ctx: JobContext, deps: SlurmDeps, live: Map<number, RunControl>): Promise<{ message: string }> {
  const payload = ctx.payload as SlurmPayload
  const real = payload.real
  const settings = parseRealSettings(real.settings)
  const slurm = parseSlurmSettings(real.slurm)
  checkModelFolder(real.modelDir)
  const runDir = runDirOf(deps.workspaceDir, ctx.jobId)
  const dataFile = join(runDir, 'data', 'annotation_train.csv')
  const betas = taskBetas(slurm, settings.beta)
  const client = deps.slurm?.client ?? createSlurmClient()

  // The studio's own environment serves a cluster that shares this machine's home folder.
  const envDir = slurm.envDir ?? deps.envDir
  const sourceDir = slurm.sourceDir ?? deps.sourceDir
  if (!slurm.envDir) await ensureTrainerEnv(ctx, deps)
  await exportSnapshotData(ctx, deps, real, dataFile)
  const script = writeSlurmRunFiles(runDir, real, { envDir, sourceDir, dataFile }, `popalign-${ctx.jobId}`)

  const steps = betas.map((_, task) => {
    const resumed = trainerCheckpointStep(join(slurmLayout.taskDir(runDir, task), 'trainer'))
    truncateMetricsAfter(taskRecordDir(runDir, task), resumed)
    return resumed
  })

  let jobId = real.slurmJobId ?? null
  if (jobId) {
    // Reopened: follow the job submitted before, unless it ended without finishing (then resubmit; the trainer resumes).
    const states = await client.tasks(jobId, betas.length)
    const unfinished = states.every((s) => !['PENDING', 'RUNNING', 'SUSPENDED', 'CONFIGURING', 'COMPLETING', 'COMPLETED'].includes(s.state))
    if (unfinished) jobId = null
  }
  if (!jobId) {
    ctx.progress({ done: Math.min(...steps), total: settings.steps, message: `submitting ${script} with sbatch` })
    try {
      jobId = await client.submit(script)
    } catch (err) {
      // No sbatch here: the files are what the user needs; the run ends written, not failed.
      if (!(err instanceof SbatchMissingError)) throw err
      const written = recordWritten(runDir, betas.length, dataFile, { envDir, sourceDir, modelDir: real.modelDir })
      return { message: writtenMessage(written) }
    }
    appendJsonLine(join(runDir, 'slurm', SUBMISSIONS_FILE), { slurmJobId: jobId, script, at: new Date().toISOString() })
    ctx.savePayload({ ...payload, real: { ...real, slurmJobId: jobId } } satisfies SlurmPayload)
  }

  const lineagePath = join(runDir, LINEAGE_FILE)
  const writeLineage = (start: TrainerEvent): void => {
    if (existsSync(lineagePath)) return
    const record = {
      kind: 'real-finetune-slurm',
      jobId: ctx.jobId,
      projectId: ctx.projectId,
      command: ['sbatch', '--parsable', script],
      script: { path: script, sha256: sha256File(script) },
      slurmJobId: jobId,
      tasks: betas.map((beta, task) => ({ task, beta, runFile: slurmLayout.runFile(runDir, task) })),
      slurm,
      ...lineageCommon(start, real, settings, dataFile)
    }
    writeFileAtomicSync(lineagePath, JSON.stringify(record, null, 2) + '\n', { exclusive: true })
  }

  const last: Array<TrainerEvent | null> = betas.map(() => null)
  let states: TaskState[] = []
  const report = (): void => ctx.progress({ done: Math.min(...steps), total: settings.steps, message: `Slurm job id ${jobId}: ${summary(states, steps, betas, settings.steps)}` })
  const follow = followSlurmJob({
    client,
    jobId,
    runDir,
    tasks: betas.length,
    pollMs: deps.slurm?.pollMs ?? 5000,
    onStates: (s) => {
      states = s
      report()
    },
    onEvent: (task, e) => {
      last[task] = e
      const dir = taskRecordDir(runDir, task)
      if (e.event === 'start') writeLineage(e)
      else if (e.event === 'step') {
        const { line } = stepMetrics(e, steps[task], settings.steps)
        steps[task] = line.step
        appendMetrics(dir, line)
        if (states.length) report()
      } else if (e.event === 'done') {
        const weights = String(e.lora ?? e.unet)
        const file = typeof e.lora === 'string' ? e.lora : join(weights, 'diffusion_pytorch_model.safetensors')
        const result = { step: e.step, beta: betas[task], kind: e.lora ? 'lora' : 'unet', path: weights, sha256: existsSync(file) ? sha256File(file) : null, at: new Date().toISOString() }
        writeFileAtomicSync(join(dir, RESULT_FILE), JSON.stringify(result, null, 2) + '\n')
      }
    }
  })
  live.set(ctx.jobId, follow)
  const onAbort = (): void => {
    // Closing the studio leaves the cluster job running (the next start follows it again); cancel ends it.
    if (ctx.signal.reason instanceof Error && ctx.signal.reason.message === 'shutdown') follow.detach()
    else follow.cancel()
  }
  ctx.signal.addEventListener('abort', onAbort, { once: true })
  if (ctx.signal.aborted) onAbort()
  try {
    const final = await follow.ended
    if (!final) throw new Error(`stopped following Slurm job id ${jobId}; it keeps running on the cluster`)
    const failed = final.filter((s, task) => s.state !== 'COMPLETED' || last[task]?.event !== 'done')
    if (failed.length === 0) {
      return { message: `Slurm job id ${jobId}: ${betas.length === 1 ? `trained ${settings.steps} steps` : `${betas.length} tasks trained ${settings.steps} steps each (β ${betas.join(', ')})`}` }
    }
    const words = failed.map((s) => {
      const ev = last[s.task]
      const why = ev?.event === 'error' ? String(ev.message) : ev?.event === 'stopped' ? `stopped at step ${ev.step} (checkpointed)` : stderrTail(runDir, s.task) || 'no output'
      return `${betas.length > 1 ? `task ${s.task} (β ${betas[s.task]}) ` : ''}${s.state.toLowerCase()}: ${why}`
    })
    throw new Error(`Slurm job id ${jobId}: ${words.join('; ')}`)
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    live.delete(ctx.jobId)
  }
}
