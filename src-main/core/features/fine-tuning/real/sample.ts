// Samples a finished real-model run: popalign_trainer.sample (diffusers' pipeline with the run's LoRA
// or UNet, in the managed environment) writes PNGs with PopAlignSDXL sidecars into
// <run>/samples/<name>/, which the studio's folder import and folder audit read as they are. Every
// sidecar carries the run's provenance (job, model, weights and their hash, the lineage file's hash,
// sampler settings), so an imported image says which fine-tune made it.
//
// Why a script in the trainer's environment and not an export to the ONNX layout core/sd reads: the
// same diffusers code that the trainer wrote the weights for loads them (no LoRA fusing or graph export
// that could drift from what was trained), SDXL works the same way, and nothing beyond the pinned
// requirements is installed (an ONNX export would add the exporter packages to every install).
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { envPython } from '../../../python-env/paths'
import { trainerEnv } from '../../../python-env/probe'
import { LINEAGE_FILE, RESULT_FILE } from './job'
import { startTrainerProcess, type TrainerEvent } from './trainer-process'

export interface RealSampleRequest {
  /** A plain name for the folder under <run>/samples/ (letters, digits, - and _). */
  name: string
  prompts: string[]
  seeds: number[]
  steps: number
  guidance: number
  /** Pixels; default: the model's own sample size. */
  resolution?: number
  cpu?: boolean
}

export interface RealSampleResult {
  folder: string
  images: number
  /** What was sampled; layers: how many UNet layers the LoRA adapts, all loaded (the script checks). */
  weights: { kind: 'lora' | 'unet'; path: string; sha256: string; layers?: number }
}

interface RunResult {
  step: number
  kind: 'lora' | 'unet'
  path: string
  sha256: string | null
}

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new Error(`${what} not found (${path}); sample a run after it has finished`)
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

/** The command that samples; recorded in the folder's sample.json beside the images. */
export function sampleCommand(
  envDir: string,
  args: { model: string; weights: RunResult; prompts: string; seeds: number[]; out: string; steps: number; guidance: number; resolution?: number; cpu?: boolean; provenance: object }
): {
  command: string
  args: string[]
} {
  return {
    command: envPython(envDir),
    args: [
      '-m',
      'popalign_trainer.sample',
      '--model',
      args.model,
      args.weights.kind === 'lora' ? '--lora' : '--unet',
      args.weights.path,
      '--prompts',
      args.prompts,
      '--seeds',
      args.seeds.join(','),
      '--out',
      args.out,
      '--steps',
      String(args.steps),
      '--guidance',
      String(args.guidance),
      ...(args.resolution ? ['--resolution', String(args.resolution)] : []),
      ...(args.cpu ? ['--cpu'] : []),
      '--provenance',
      JSON.stringify(args.provenance)
    ]
  }
}

function checkRequest(r: RealSampleRequest): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(r.name)) throw new Error(`sample folder name "${r.name}" must be 1-64 letters, digits, - or _`)
  if (r.prompts.length === 0 || r.prompts.some((p) => !p.trim() || /[\r\n]/.test(p))) throw new Error('give at least one prompt, each on one line and not empty')
  if (r.seeds.length === 0 || r.seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new Error('seeds must be whole numbers >= 0, at least one')
  if (!Number.isInteger(r.steps) || r.steps < 1) throw new Error(`steps must be a whole number >= 1, got ${r.steps}`)
  if (!(r.guidance >= 0)) throw new Error(`guidance must be a number >= 0, got ${r.guidance}`)
  if (r.resolution !== undefined && (!Number.isInteger(r.resolution) || r.resolution < 8 || r.resolution % 8)) throw new Error(`resolution must be a multiple of 8, got ${r.resolution}`)
}

/** Samples the run in runDir with its trained weights; resolves when every image is written. */
export async function sampleRealRun(
  deps: { envDir: string; sourceDir: string },
  runDir: string,
  request: RealSampleRequest,
  signal?: AbortSignal,
  onImage?: (done: number, total: number) => void
): Promise<RealSampleResult> {
  checkRequest(request)
  const result = readJson<RunResult>(join(runDir, RESULT_FILE), "the run's result")
  const lineagePath = join(runDir, LINEAGE_FILE)
  const lineage = readJson<{ jobId: number; model: { dir: string }; settings: { method: string; beta: number } }>(lineagePath, "the run's lineage")
  const lineageSha256 = createHash('sha256').update(readFileSync(lineagePath)).digest('hex')
  if (!existsSync(result.path)) throw new Error(`the run's ${result.kind === 'lora' ? 'LoRA' : 'UNet'} is gone from ${result.path}`)
  const folder = join(runDir, 'samples', request.name)
  if (existsSync(folder)) throw new Error(`the run already has samples named "${request.name}"; choose another name`)
  mkdirSync(folder, { recursive: true })
  const promptsFile = join(runDir, 'samples', `${request.name}.prompts.txt`)
  writeFileSync(promptsFile, request.prompts.join('\n') + '\n')
  const provenance = {
    fineTuneJob: lineage.jobId,
    fineTuneMethod: lineage.settings.method,
    fineTuneBeta: lineage.settings.beta,
    fineTuneStep: result.step,
    lineageSha256
  }
  const cmd = sampleCommand(deps.envDir, {
    model: lineage.model.dir,
    weights: result,
    prompts: promptsFile,
    seeds: request.seeds,
    out: folder,
    steps: request.steps,
    guidance: request.guidance,
    resolution: request.resolution,
    cpu: request.cpu,
    provenance
  })
  const total = request.prompts.length * request.seeds.length
  // Set inside the event listener; the casts keep TypeScript from narrowing them to null for good.
  let failure = null as string | null
  let start = null as TrainerEvent | null
  const proc = startTrainerProcess({
    command: cmd.command,
    args: cmd.args,
    cwd: deps.sourceDir,
    env: { ...trainerEnv(deps.sourceDir), HF_HUB_OFFLINE: '1', ...(request.cpu ? { CUDA_VISIBLE_DEVICES: '' } : {}) },
    onEvent: (e) => {
      if (e.event === 'start') start = e
      else if ((e.event as string) === 'image') onImage?.(Number(e.done), total)
      else if (e.event === 'error') failure = String(e.message)
    }
  })
  const onAbort = (): void => proc.stop(5_000)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const r = await proc.exited
    if (r.last?.event !== 'done') throw new Error(`sampling failed${failure ? `: ${failure}` : ` (exit ${String(r.code ?? r.signal)}): ${r.stderrTail.slice(-3).join(' | ')}`}`)
    const weights = start?.weights as RealSampleResult['weights']
    writeFileSync(join(runDir, 'samples', `${request.name}.sample.json`), JSON.stringify({ command: [cmd.command, ...cmd.args], weights, images: total, at: new Date().toISOString() }, null, 2) + '\n')
    return { folder, images: Number(r.last.images), weights }
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
