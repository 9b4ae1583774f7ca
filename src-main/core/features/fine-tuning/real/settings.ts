// What a real-model fine-tune runs with, as the studio stores it in the job's payload, and the files
// it turns into for the Python trainer: trainer-run.json (resources/python/popalign_trainer/config.py reads
// it; same camelCase keys), the Accelerate config, and the exact launch command. Generated here so
// the command recorded in the run's lineage is the one that ran.
import { join } from 'node:path'
import { envBin } from '../../../python-env/paths'
import { REAL_FINETUNE_PRESETS } from '@shared/real-finetune-presets'

export const REAL_METHODS = ['popalign', 'dpo', 'sft'] as const
export const REAL_WEIGHTINGS = ['constant', 'debias', 'min_snr'] as const
export const MIXED_PRECISION = ['no', 'fp16', 'bf16'] as const
/** Which UNet layers a LoRA adapts (popalign_trainer/config.py LORA_LAYERS names the modules). */
export const LORA_LAYERS = ['attention', 'all'] as const
/** DeepSpeed ZeRO stages the studio writes: 1 shards the optimizer state, 2 the gradients too. Stage 3
 * would shard the parameters, the frozen reference's included, which the trainer does not handle. */
export const DEEPSPEED_STAGES = [1, 2] as const

export interface RealFinetuneSettings {
  method: (typeof REAL_METHODS)[number]
  beta: number
  alpha: number
  weighting: (typeof REAL_WEIGHTINGS)[number]
  captionDropout: number
  steps: number
  /** Winner/loser pairs per step and per process. */
  pairsPerStep: number
  learningRate: number
  warmupSteps: number
  seed: number
  /** LoRA rank; null fine-tunes the full UNet. */
  loraRank: number | null
  /** 'attention': the attention projections (the usual SD LoRA); 'all': every linear and convolution layer. */
  loraLayers: (typeof LORA_LAYERS)[number]
  resolution: number
  mixedPrecision: (typeof MIXED_PRECISION)[number]
  gradientCheckpointing: boolean
  checkpointEvery: number
  /** Data-parallel processes on this machine (CPU: gloo; GPU: one per device). */
  processes: number
  /** Train on the CPU even where a GPU is present (tests, machines without CUDA). */
  cpu: boolean
  /** DeepSpeed ZeRO stage (one of DEEPSPEED_STAGES) through Accelerate, or null for plain data parallel; optional and GPU only. */
  deepspeedStage: number | null
}

/** PopAlignSDXL's 4_train.sh recipe (docs/methods/popalign.md): the screen's paper preset, with full weights by default. */
export const PAPER_SETTINGS: RealFinetuneSettings = { ...REAL_FINETUNE_PRESETS.paper.settings, loraRank: null }

function check(ok: boolean, field: string, want: string, got: unknown): void {
  if (!ok) throw new Error(`real-model fine-tune: ${field} must be ${want}, got ${JSON.stringify(got)}`)
}

const wholeAtLeast = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min

/** Validates settings from the UI, the CLI or a stored payload; throws naming the first bad field. */
export function parseRealSettings(input: unknown): RealFinetuneSettings {
  const o = { ...PAPER_SETTINGS, ...((input ?? {}) as Partial<RealFinetuneSettings>) }
  check((REAL_METHODS as readonly string[]).includes(o.method), 'method', REAL_METHODS.join(', '), o.method)
  check(typeof o.beta === 'number' && o.beta > 0, 'beta', 'a positive number', o.beta)
  check(typeof o.alpha === 'number' && o.alpha >= 0 && o.alpha <= 1, 'alpha', 'a number in [0, 1]', o.alpha)
  check((REAL_WEIGHTINGS as readonly string[]).includes(o.weighting), 'weighting', REAL_WEIGHTINGS.join(', '), o.weighting)
  check(typeof o.captionDropout === 'number' && o.captionDropout >= 0 && o.captionDropout <= 1, 'captionDropout', 'a probability in [0, 1]', o.captionDropout)
  for (const f of ['steps', 'pairsPerStep', 'checkpointEvery', 'processes'] as const) check(wholeAtLeast(o[f], 1), f, 'a whole number >= 1', o[f])
  check(wholeAtLeast(o.warmupSteps, 0), 'warmupSteps', 'a whole number >= 0', o.warmupSteps)
  check(wholeAtLeast(o.seed, 0), 'seed', 'a whole number >= 0', o.seed)
  check(typeof o.learningRate === 'number' && o.learningRate > 0, 'learningRate', 'a positive number', o.learningRate)
  check(o.loraRank === null || wholeAtLeast(o.loraRank, 1), 'loraRank', 'null (full weights) or a whole number >= 1', o.loraRank)
  check(wholeAtLeast(o.resolution, 8) && o.resolution % 8 === 0, 'resolution', 'a multiple of 8', o.resolution)
  check((LORA_LAYERS as readonly string[]).includes(o.loraLayers), 'loraLayers', LORA_LAYERS.join(', '), o.loraLayers)
  check((MIXED_PRECISION as readonly string[]).includes(o.mixedPrecision), 'mixedPrecision', MIXED_PRECISION.join(', '), o.mixedPrecision)
  check(typeof o.gradientCheckpointing === 'boolean', 'gradientCheckpointing', 'true or false', o.gradientCheckpointing)
  check(typeof o.cpu === 'boolean', 'cpu', 'true or false', o.cpu)
  check(!(o.cpu && o.mixedPrecision === 'fp16'), 'mixedPrecision', 'no or bf16 on the CPU (fp16 needs a GPU)', o.mixedPrecision)
  check(o.deepspeedStage === null || (DEEPSPEED_STAGES as readonly unknown[]).includes(o.deepspeedStage), 'deepspeedStage', 'null (no DeepSpeed), 1 or 2', o.deepspeedStage)
  check(!(o.cpu && o.deepspeedStage !== null), 'deepspeedStage', 'null on the CPU (DeepSpeed trains on GPUs; turn CPU only off or DeepSpeed off)', o.deepspeedStage)
  return o
}

/** trainer-run.json for popalign_trainer.train (run.json in a run folder is the studio's run record). */
export function runFile(s: RealFinetuneSettings, paths: { model: string; data: string; output: string }): Record<string, unknown> {
  return {
    model: paths.model,
    data: paths.data,
    output: paths.output,
    method: s.method,
    beta: s.beta,
    alpha: s.alpha,
    weighting: s.weighting,
    // The studio's fine-tunes cap SNR at 1000 under the Debias weight (weights.ts maxSnr).
    maxSnr: s.weighting === 'debias' ? 1000 : null,
    captionDropout: s.captionDropout,
    steps: s.steps,
    pairsPerStep: s.pairsPerStep,
    learningRate: s.learningRate,
    warmupSteps: s.warmupSteps,
    seed: s.seed,
    lora: s.loraRank === null ? null : { rank: s.loraRank, alpha: s.loraRank, layers: s.loraLayers },
    resolution: s.resolution,
    mixedPrecision: s.mixedPrecision,
    gradientCheckpointing: s.gradientCheckpointing,
    checkpointEvery: s.checkpointEvery,
    cpu: s.cpu
  }
}

/** Accelerate's config file for one machine (accelerate launch --config_file). */
export function accelerateConfig(s: RealFinetuneSettings): string {
  // Several CPU processes are MULTI_GPU too: that type selects Accelerate's torchrun launcher, which
  // starts num_processes workers. Its MULTI_CPU type starts ONE process unless mpirun wraps the launch,
  // so two "processes" trained alone. The workers stay on the CPU, with gloo, because the trainer's run
  // file says cpu (Accelerator(cpu=True)); use_cpu records the same for a reader of this file.
  const distributed = s.deepspeedStage !== null ? 'DEEPSPEED' : s.processes === 1 ? 'NO' : 'MULTI_GPU'
  return [
    '# Written by PopAlign Studio for this run; `accelerate launch --config_file` reads it.',
    ...(s.cpu && s.processes > 1 ? ['# CPU processes: MULTI_GPU picks the torchrun launcher; the run file\'s "cpu": true keeps each one on the CPU (gloo).'] : []),
    'compute_environment: LOCAL_MACHINE',
    ...(s.deepspeedStage !== null ? deepspeedSection(s.deepspeedStage) : []),
    `distributed_type: ${distributed}`,
    'downcast_bf16: "no"',
    // Quoted: YAML 1.1 reads a bare no as false, which Accelerate rejects.
    `mixed_precision: "${s.mixedPrecision}"`,
    'machine_rank: 0',
    'main_training_function: main',
    'num_machines: 1',
    `num_processes: ${s.processes}`,
    'rdzv_backend: static',
    'same_network: true',
    `use_cpu: ${s.cpu}`,
    ...(s.processes > 1 ? ['main_process_ip: 127.0.0.1', 'main_process_port: 29511'] : []),
    ''
  ].join('\n')
}

/**
 * Accelerate's DeepSpeed section. The launcher is 'standard' (torchrun on each machine) because the
 * studio, or the Slurm script's srun, starts one launch per machine itself; Accelerate's default, pdsh,
 * would ssh into the other machines. The micro-batch size is left to the trainer, which sets it from
 * pairsPerStep (it hands Accelerate no data loader to read it from).
 */
function deepspeedSection(stage: number): string[] {
  return [
    '# DeepSpeed ZeRO through Accelerate; needs the deepspeed package in the trainer environment (optional, not installed by the studio).',
    'deepspeed_config:',
    '  deepspeed_multinode_launcher: standard',
    '  gradient_accumulation_steps: 1',
    '  offload_optimizer_device: none',
    '  offload_param_device: none',
    '  zero3_init_flag: false',
    `  zero_stage: ${stage}`
  ]
}

export interface LaunchCommand {
  command: string
  args: string[]
}

/** `accelerate launch --config_file <run>/accelerate.yaml -m popalign_trainer.train --config <run>/trainer-run.json` (run.json is the studio's run record). */
export function launchCommand(envDir: string, runDir: string): LaunchCommand {
  return {
    command: envBin(envDir, 'accelerate'),
    args: ['launch', '--config_file', join(runDir, 'accelerate.yaml'), '-m', 'popalign_trainer.train', '--config', join(runDir, 'trainer-run.json')]
  }
}
