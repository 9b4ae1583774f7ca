// A real-model fine-tune as a studio job (kind 'train', so pause, resume and cancel go through the
// same train.* calls as built-in runs). The job exports its snapshot as the PopAlignSDXL CSV into the
// run folder, makes sure the managed environment is installed, writes trainer-run.json, the Accelerate config
// and the lineage record (command, environment, versions, snapshot and data hashes), starts
// `accelerate launch` in its own process group and follows the progress stream into the run's
// metrics.jsonl, the file the built-in runs' live curves read. The trainer resumes from its newest
// checkpoint by itself, so a job relaunched after a crash or a closed studio continues where it was.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Workspace } from '../../../store/workspace'
import { appendMetrics, type MetricsLine } from '../../models/metrics-log'
import { runDirOf } from '../../models/paths'
import { truncateMetricsAfter } from '../../models/run-resume-tidy'
import { codeVersion } from '../../models/code-version'
import { openAtomicFile } from '../../preference-data/export/atomic-file'
import { exportPairs } from '../../preference-data/export/pair-rows'
import { writePopalignCsv } from '../../preference-data/export/popalign-csv'
import { writeFileAtomicSync } from '../../../fs/atomic-write'
import type { JobContext } from '../../../jobs/runner'
import { ensurePythonEnv } from '../../../python-env/env'
import { hasPackage, trainerEnv } from '../../../python-env/probe'
import { envBin, envPython } from '../../../python-env/paths'
import { loadSnapshotContent } from '../../preference-data/snapshots/service'
import { accelerateConfig, launchCommand, parseRealSettings, runFile, type RealFinetuneSettings } from './settings'
import { startTrainerProcess, type RunControl, type TrainerEvent } from './trainer-process'

export interface RealFinetunePayload {
  real: {
    /** A diffusers model folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/). */
    modelDir: string
    snapshot: { id: number; contentSha256: string }
    settings: RealFinetuneSettings
  }
}

export function isRealPayload(p: unknown): p is RealFinetunePayload {
  return typeof p === 'object' && p !== null && 'real' in p
}

export interface RealFinetuneDeps {
  ws: Workspace
  workspaceDir: string
  /** The studio's managed venv. */
  envDir: string
  /** resources/python. */
  sourceDir: string
  log: (line: string) => void
}

const envPip = (envDir: string): string => envBin(envDir, 'pip')

export const LINEAGE_FILE = 'lineage.json'
export const RESULT_FILE = 'result.json'

/** Environment variables worth recording: they change what the trainer does. */
const RECORDED_ENV = /^(CUDA_VISIBLE_DEVICES|NCCL_|ACCELERATE_|HF_|PYTORCH_|OMP_NUM_THREADS|PYTHONPATH)/

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** The newest step the trainer finished a checkpoint for (trainer_state.json is written last). */
export function trainerCheckpointStep(outDir: string): number {
  const root = join(outDir, 'checkpoints')
  if (!existsSync(root)) return 0
  const steps = readdirSync(root)
    .filter((n) => /^step-\d+$/.test(n) && existsSync(join(root, n, 'trainer_state.json')))
    .map((n) => Number(n.slice(5)))
  return steps.length ? Math.max(...steps) : 0
}

export function checkModelFolder(modelDir: string): void {
  const missing = ['model_index.json', 'unet/config.json', 'vae/config.json', 'text_encoder/config.json', 'scheduler/scheduler_config.json'].filter((f) => !existsSync(join(modelDir, f)))
  if (!existsSync(join(modelDir, 'tokenizer'))) missing.push('tokenizer/')
  if (missing.length) throw new Error(`${modelDir} is not a diffusers model folder: missing ${missing.join(', ')}`)
}

/**
 * DeepSpeed is optional and never installed by the studio: a run asking for it where the environment
 * it runs in lacks the package is refused before anything starts. A cluster's own environment
 * (Slurm envDir) cannot be looked into from here, so that case is left to the cluster.
 */
export function checkDeepSpeed(settings: RealFinetuneSettings, envDir: string | null): void {
  if (settings.deepspeedStage === null || envDir === null) return
  if (!existsSync(envPython(envDir)) || !hasPackage(envDir, 'deepspeed'))
    throw new Error(
      `DeepSpeed ZeRO stage ${settings.deepspeedStage} was chosen, but the deepspeed package is not installed in the trainer environment (${envDir}). ` +
        `Turn DeepSpeed off, or install it there yourself (${envPip(envDir)} install deepspeed) and start again.`
    )
}

/** Installs or checks the managed environment, reporting the installer's progress as the job's. */
export async function ensureTrainerEnv(ctx: JobContext, deps: Pick<RealFinetuneDeps, 'envDir' | 'sourceDir'>): Promise<void> {
  await ensurePythonEnv({
    envDir: deps.envDir,
    requirementsFile: join(deps.sourceDir, 'requirements.txt'),
    signal: ctx.signal,
    onProgress: (p) => ctx.progress({ message: `trainer environment: ${p.message}` })
  })
}

/** Writes the snapshot as the PopAlignSDXL CSV once: the snapshot is frozen, so a relaunch reuses it. */
export async function exportSnapshotData(ctx: JobContext, deps: Pick<RealFinetuneDeps, 'ws'>, real: RealFinetunePayload['real'], dataFile: string): Promise<void> {
  if (existsSync(dataFile)) return
  mkdirSync(dirname(dataFile), { recursive: true })
  const content = loadSnapshotContent(deps.ws, real.snapshot.id)
  if (content.snapshot.contentSha256 !== real.snapshot.contentSha256) {
    throw new Error(`snapshot ${real.snapshot.id} no longer has the content this run was started with`)
  }
  const pairs = exportPairs(content, { includeUndecided: false })
  if (pairs.length === 0) throw new Error(`snapshot ${real.snapshot.id} has no decided set pairs to train on`)
  const out = openAtomicFile(dataFile, `job${ctx.jobId}`)
  try {
    await writePopalignCsv(pairs, out, async () => undefined)
    out.commit()
  } catch (err) {
    out.abort()
    throw err
  }
}

/** A trainer `step` event as a line of the live curves (metrics.jsonl) and the job's progress line. */
export function stepMetrics(e: TrainerEvent, lastStep: number, totalSteps: number): { line: MetricsLine; message: string } {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  const step = e.step ?? lastStep
  const acc = num(e.implicitAccuracy)
  return {
    line: {
      step,
      loss: num(e.loss) ?? Number.NaN,
      itPerSec: num(e.itPerSec) ?? 0,
      etaSeconds: num(e.etaSeconds),
      at: new Date().toISOString(),
      implicitAccuracy: acc,
      rewardMargin: num(e.rewardMargin),
      Z: num(e.Z),
      window: 1,
      mseModel: num(e.mseModel),
      mseRef: num(e.mseRef)
    },
    message: `step ${step} of ${totalSteps} · loss ${(num(e.loss) ?? 0).toFixed(4)}${acc !== null ? ` · acc ${acc.toFixed(2)}` : ''}`
  }
}

/** What every real-model run's lineage records after how it was launched: versions, model, snapshot, data, settings. */
export function lineageCommon(start: TrainerEvent, real: RealFinetunePayload['real'], settings: RealFinetuneSettings, dataFile: string): Record<string, unknown> {
  return {
    versions: start.versions,
    worldSize: start.worldSize,
    device: start.device,
    mixedPrecision: start.mixedPrecision,
    model: { dir: real.modelDir, modelIndexSha256: sha256File(join(real.modelDir, 'model_index.json')) },
    snapshot: { id: real.snapshot.id, contentSha256: real.snapshot.contentSha256 },
    data: { format: 'popalign_csv', path: dataFile, sha256: start.dataSha256, pairs: start.pairs },
    settings,
    studio: codeVersion(),
    createdAt: new Date().toISOString()
  }
}

export async function runRealFinetune(ctx: JobContext, deps: RealFinetuneDeps, live: Map<number, RunControl>): Promise<{ message: string }> {
  const { real } = ctx.payload as RealFinetunePayload
  const settings = parseRealSettings(real.settings)
  checkModelFolder(real.modelDir)
  const runDir = runDirOf(deps.workspaceDir, ctx.jobId)
  const outDir = join(runDir, 'trainer')
  const dataFile = join(runDir, 'data', 'annotation_train.csv')

  const resumedFrom = trainerCheckpointStep(outDir)
  truncateMetricsAfter(runDir, resumedFrom)
  ctx.progress({ done: resumedFrom, total: settings.steps, message: 'checking the trainer environment' })
  await ensureTrainerEnv(ctx, deps)
  await exportSnapshotData(ctx, deps, real, dataFile)
  writeFileAtomicSync(join(runDir, 'trainer-run.json'), JSON.stringify(runFile(settings, { model: real.modelDir, data: dataFile, output: outDir }), null, 2) + '\n')
  writeFileAtomicSync(join(runDir, 'accelerate.yaml'), accelerateConfig(settings))
  const cmd = launchCommand(deps.envDir, runDir)
  const env = { ...trainerEnv(deps.sourceDir), HF_HUB_OFFLINE: '1', ...(settings.cpu ? { CUDA_VISIBLE_DEVICES: '' } : {}) }

  const lineagePath = join(runDir, LINEAGE_FILE)
  const writeLineage = (start: TrainerEvent): void => {
    if (existsSync(lineagePath)) return
    writeFileAtomicSync(
      lineagePath,
      JSON.stringify(
        {
          kind: 'real-finetune',
          jobId: ctx.jobId,
          projectId: ctx.projectId,
          command: [cmd.command, ...cmd.args],
          cwd: deps.sourceDir,
          environment: Object.fromEntries(Object.entries(env).filter(([k, v]) => RECORDED_ENV.test(k) && v !== undefined)),
          ...lineageCommon(start, real, settings, dataFile)
        },
        null,
        2
      ) + '\n',
      { exclusive: true }
    )
  }

  let lastStep = resumedFrom
  // Set inside the progress listener; the cast keeps TypeScript from narrowing it to null for good.
  let failure = null as string | null
  const proc = startTrainerProcess({
    command: cmd.command,
    args: cmd.args,
    cwd: deps.sourceDir,
    env,
    onStderr: (line) => {
      if (/Traceback|Error/.test(line)) deps.log(`real fine-tune job ${ctx.jobId}: ${line}`)
    },
    onEvent: (e) => {
      switch (e.event) {
        case 'start':
          writeLineage(e)
          ctx.progress({ message: e.step ? `resuming at step ${e.step}` : `training on ${String(e.device)}` })
          return
        case 'step': {
          const { line, message } = stepMetrics(e, lastStep, settings.steps)
          lastStep = line.step
          appendMetrics(runDir, line)
          ctx.progress({ done: lastStep, total: settings.steps, message })
          return
        }
        case 'done': {
          const weights = (e.lora ?? e.unet) as string
          const file = typeof e.lora === 'string' ? e.lora : join(String(e.unet), 'diffusion_pytorch_model.safetensors')
          writeFileAtomicSync(
            join(runDir, RESULT_FILE),
            JSON.stringify({ step: e.step, kind: e.lora ? 'lora' : 'unet', path: weights, sha256: existsSync(file) ? sha256File(file) : null, at: new Date().toISOString() }, null, 2) + '\n'
          )
          return
        }
        case 'error':
          failure = String(e.message)
          return
        default:
          return
      }
    }
  })
  live.set(ctx.jobId, proc)
  const onAbort = (): void => proc.stop()
  ctx.signal.addEventListener('abort', onAbort, { once: true })
  if (ctx.signal.aborted) onAbort()
  try {
    const r = await proc.exited
    const last = r.last
    if (last?.event === 'done') {
      const result = JSON.parse(readFileSync(join(runDir, RESULT_FILE), 'utf8')) as { kind: string; path: string }
      return { message: `trained ${last.step} of ${settings.steps} steps · ${result.kind === 'lora' ? 'LoRA' : 'UNet'} at ${result.path}` }
    }
    if (last?.event === 'stopped') throw new Error(`training stopped at step ${last.step} (checkpointed; resume continues from there)`)
    throw new Error(`the trainer failed${failure ? `: ${failure}` : ` (exit ${String(r.code ?? r.signal)}): ${r.stderrTail.slice(-3).join(' | ')}`}`)
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    live.delete(ctx.jobId)
  }
}
