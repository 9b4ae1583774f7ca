// A Stable Diffusion model folder in the layout the standard ONNX exporters write (Optimum's
// `optimum-cli export onnx --task text-to-image`): tokenizer/, text_encoder/model.onnx, unet/model.onnx,
// vae_decoder/model.onnx and scheduler/scheduler_config.json. Weights over 2 GB live in an external
// data file beside model.onnx (model.onnx_data), which onnxruntime finds when the session is created
// from the file path. A folder that lacks parts is refused with every missing part named at once.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface SdFolder {
  dir: string
  tokenizerJson: string
  tokenizerConfig: string
  textEncoder: string
  unet: string
  vaeDecoder: string
  scheduler: SchedulerConfig
  /** The VAE's latent scaling factor (0.18215 for SD 1.x/2.x). */
  vaeScalingFactor: number
}

/** The scheduler_config.json fields the TypeScript schedulers read (diffusers' names). */
export interface SchedulerConfig {
  num_train_timesteps: number
  beta_start: number
  beta_end: number
  beta_schedule: string
  prediction_type: string
  steps_offset: number
  set_alpha_to_one?: boolean
  clip_sample?: boolean
  clip_sample_range?: number
  timestep_spacing?: string
}

export class SdFolderError extends Error {}

const REQUIRED = [
  ['tokenizer/tokenizer.json', 'the tokenizer (tokenizer.json)'],
  ['tokenizer/tokenizer_config.json', 'the tokenizer settings (tokenizer_config.json)'],
  ['text_encoder/model.onnx', 'the text encoder'],
  ['unet/model.onnx', 'the UNet'],
  ['vae_decoder/model.onnx', 'the VAE decoder'],
  ['scheduler/scheduler_config.json', 'the scheduler settings']
] as const

const SD1_VAE_SCALING = 0.18215

export function openSdFolder(dir: string): SdFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SdFolderError(`model folder not found: ${dir}`)
  const missing = REQUIRED.filter(([rel]) => !existsSync(join(dir, rel))).map(([rel, what]) => `${rel} (${what})`)
  if (missing.length > 0) {
    throw new SdFolderError(
      `the model folder ${dir} is not a complete ONNX Stable Diffusion export: missing ${missing.join(', ')}; export it again with \`optimum-cli export onnx --task text-to-image\``
    )
  }
  const scheduler = readJson(join(dir, 'scheduler/scheduler_config.json'), 'scheduler settings') as Partial<SchedulerConfig>
  for (const key of ['num_train_timesteps', 'beta_start', 'beta_end'] as const) {
    if (typeof scheduler[key] !== 'number') throw new SdFolderError(`scheduler/scheduler_config.json in ${dir} has no number "${key}"`)
  }
  const index = existsSync(join(dir, 'model_index.json')) ? (readJson(join(dir, 'model_index.json'), 'model index') as { vae_scaling_factor?: number }) : {}
  return {
    dir,
    tokenizerJson: join(dir, 'tokenizer/tokenizer.json'),
    tokenizerConfig: join(dir, 'tokenizer/tokenizer_config.json'),
    textEncoder: join(dir, 'text_encoder/model.onnx'),
    unet: join(dir, 'unet/model.onnx'),
    vaeDecoder: join(dir, 'vae_decoder/model.onnx'),
    scheduler: {
      beta_schedule: 'scaled_linear',
      prediction_type: 'epsilon',
      steps_offset: 0,
      ...scheduler
    } as SchedulerConfig,
    vaeScalingFactor: typeof index.vae_scaling_factor === 'number' ? index.vae_scaling_factor : SD1_VAE_SCALING
  }
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new SdFolderError(`cannot read the ${what} ${path}: ${(e as Error).message}`)
  }
}
