// A Stable Diffusion model folder in the layout the standard ONNX exporters write (Optimum's
// `optimum-cli export onnx --task text-to-image`): tokenizer/, text_encoder/model.onnx, unet/model.onnx,
// vae_decoder/model.onnx and scheduler/scheduler_config.json; SDXL adds tokenizer_2/ and
// text_encoder_2/. Weights over 2 GB live in an external data file beside model.onnx
// (model.onnx_data), which onnxruntime finds when the session is created from the file path.
//
// The folder comes from the user and is checked before anything is loaded: every missing part is
// named at once; a part must be a regular file inside the folder (a symbolic link may point elsewhere
// inside it, or into the blobs/ of a Hugging Face cache snapshot, never out of it); settings files are
// read with a size cap (a 2 GB "tokenizer.json" or a FIFO never hangs the studio); an ONNX file over
// the 2 GB that protobuf allows, or an empty one, is refused with what to do instead.
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { formatLimit, kindOf, readRegularFileSync } from '../fs/read-regular'
import { isStrictlyInside } from '../fs/safe-path'

export type SdKind = 'sd' | 'sdxl'

export interface SdFolder {
  dir: string
  /** 'sdxl' when the folder has the second text encoder (tokenizer_2/, text_encoder_2/). */
  kind: SdKind
  tokenizerJson: string
  tokenizerConfig: string
  textEncoder: string
  unet: string
  vaeDecoder: string
  /** SDXL only: the OpenCLIP-bigG-style second tokenizer and text encoder. */
  tokenizer2Json?: string
  tokenizer2Config?: string
  textEncoder2?: string
  scheduler: SchedulerConfig
  /** The VAE's latent scaling factor (0.18215 for SD 1.x/2.x, 0.13025 for SDXL). */
  vaeScalingFactor: number
  /** SDXL: no negative prompt means zero embeddings rather than the encoded empty string (diffusers' default). */
  forceZerosForEmptyPrompt: boolean
  /** The component folders the pipeline reads (relative), for the content hash. */
  components: string[]
}

/** The scheduler_config.json fields the TypeScript schedulers read (diffusers' names). */
export interface SchedulerConfig {
  _class_name?: string
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

type Part = readonly [rel: string, what: string]

const SD_PARTS: readonly Part[] = [
  ['tokenizer/tokenizer.json', 'the tokenizer (tokenizer.json)'],
  ['tokenizer/tokenizer_config.json', 'the tokenizer settings (tokenizer_config.json)'],
  ['text_encoder/model.onnx', 'the text encoder'],
  ['unet/model.onnx', 'the UNet'],
  ['vae_decoder/model.onnx', 'the VAE decoder'],
  ['scheduler/scheduler_config.json', 'the scheduler settings']
]
const SDXL_PARTS: readonly Part[] = [
  ['tokenizer_2/tokenizer.json', 'the second tokenizer (tokenizer.json)'],
  ['tokenizer_2/tokenizer_config.json', 'the second tokenizer settings (tokenizer_config.json)'],
  ['text_encoder_2/model.onnx', 'the second text encoder']
]

const SD1_VAE_SCALING = 0.18215
const SDXL_VAE_SCALING = 0.13025
/** A real CLIP tokenizer.json is about 2 MB; settings files are a few KB. */
export const MAX_TOKENIZER_BYTES = 64 * 1024 * 1024
export const MAX_SETTINGS_BYTES = 1024 * 1024
/** protobuf's limit on one message: a larger model.onnx cannot be valid (weights belong in model.onnx_data). */
export const MAX_ONNX_FILE_BYTES = 2 * 1024 * 1024 * 1024

const EXPORT_HINT = 'export it again with `optimum-cli export onnx --task text-to-image`'

export function openSdFolder(dir: string): SdFolder {
  let root: string
  try {
    root = realpathSync(dir)
    if (!statSync(root).isDirectory()) throw new Error('not a folder')
  } catch {
    throw new SdFolderError(`model folder not found: ${dir}`)
  }
  const kind: SdKind = exists(join(root, 'text_encoder_2')) || exists(join(root, 'tokenizer_2')) ? 'sdxl' : 'sd'
  const parts = kind === 'sdxl' ? [...SD_PARTS, ...SDXL_PARTS] : SD_PARTS
  const allowed = allowedRoot(root)
  const missing: string[] = []
  const refused: string[] = []
  for (const [rel, what] of parts) {
    const problem = checkPart(root, allowed, rel)
    if (problem === 'missing') missing.push(`${rel} (${what})`)
    else if (problem) refused.push(`${rel} ${problem}`)
  }
  if (missing.length > 0) {
    const also = refused.length > 0 ? `; also ${refused.join('; ')}` : ''
    throw new SdFolderError(
      `the model folder ${dir} is not a complete ONNX ${kind === 'sdxl' ? 'Stable Diffusion XL' : 'Stable Diffusion'} export: missing ${missing.join(', ')}${also}; ${EXPORT_HINT}`
    )
  }
  if (refused.length > 0) throw new SdFolderError(`the model folder ${dir} cannot be used: ${refused.join('; ')}`)

  const scheduler = readJson(root, 'scheduler/scheduler_config.json', MAX_SETTINGS_BYTES) as Partial<SchedulerConfig>
  for (const key of ['num_train_timesteps', 'beta_start', 'beta_end'] as const) {
    if (typeof scheduler[key] !== 'number') throw new SdFolderError(`scheduler/scheduler_config.json in ${dir} has no number "${key}"`)
  }
  const index = optionalJson(root, allowed, 'model_index.json') as { vae_scaling_factor?: unknown; force_zeros_for_empty_prompt?: unknown }
  // Optimum writes each component's config.json beside its model; older exports put the factor in model_index.json.
  const vaeConfig = optionalJson(root, allowed, 'vae_decoder/config.json') as { scaling_factor?: unknown }
  const vaeScalingFactor =
    typeof vaeConfig.scaling_factor === 'number'
      ? vaeConfig.scaling_factor
      : typeof index.vae_scaling_factor === 'number'
        ? index.vae_scaling_factor
        : kind === 'sdxl'
          ? SDXL_VAE_SCALING
          : SD1_VAE_SCALING
  const at = (rel: string): string => join(root, rel)
  const components = [...new Set(parts.map(([rel]) => dirname(rel)))].sort()
  // Files beside the parts (external data, config.json) are read by onnxruntime or hashed: they must stay inside too.
  componentFiles(root, dir, components)
  return {
    dir,
    kind,
    tokenizerJson: at('tokenizer/tokenizer.json'),
    tokenizerConfig: at('tokenizer/tokenizer_config.json'),
    textEncoder: at('text_encoder/model.onnx'),
    unet: at('unet/model.onnx'),
    vaeDecoder: at('vae_decoder/model.onnx'),
    ...(kind === 'sdxl' ? { tokenizer2Json: at('tokenizer_2/tokenizer.json'), tokenizer2Config: at('tokenizer_2/tokenizer_config.json'), textEncoder2: at('text_encoder_2/model.onnx') } : {}),
    scheduler: {
      beta_schedule: 'scaled_linear',
      prediction_type: 'epsilon',
      steps_offset: 0,
      ...scheduler
    } as SchedulerConfig,
    vaeScalingFactor,
    forceZerosForEmptyPrompt: index.force_zeros_for_empty_prompt !== false,
    components
  }
}

/**
 * Every file of the component folders (hidden ones left out) and model_index.json, relative to the
 * folder, in path order; a link out of the folder or a non-regular file (a FIFO blocks a read) is refused.
 */
export function componentFiles(root: string, shown: string, components: readonly string[]): string[] {
  const allowed = allowedRoot(root)
  const files: string[] = []
  const refuse = (rel: string, problem: string): never => {
    throw new SdFolderError(`the model folder ${shown} cannot be used: ${rel} ${problem}`)
  }
  const take = (rel: string): void => {
    const path = join(root, rel)
    const link = lstatSync(path)
    let real: string
    try {
      real = realpathSync(path)
    } catch {
      return refuse(rel, 'is a symbolic link to nothing (its target is missing)')
    }
    if (!isStrictlyInside(allowed, real)) refuse(rel, `leads to ${real}, outside the model folder; copy the file into the folder instead`)
    const st = link.isSymbolicLink() ? statSync(real) : link
    if (st.isFile()) files.push(rel)
    else if (!st.isDirectory()) refuse(rel, `is not a regular file (it is ${kindOf(st)})`)
  }
  for (const dir of components) for (const name of readdirSync(join(root, dir))) if (!name.startsWith('.')) take(`${dir}/${name}`)
  if (exists(join(root, 'model_index.json'))) take('model_index.json')
  return files.sort()
}

/** Reads a JSON settings file of the folder (already checked by openSdFolder) with a size cap. */
export function readFolderJson(path: string, maxBytes: number): unknown {
  return JSON.parse(readRegularFileSync(realpathSync(path), maxBytes).toString('utf8'))
}

function exists(p: string): boolean {
  try {
    lstatSync(p)
    return true
  } catch {
    return false
  }
}

/**
 * Where a part's real file may lie: inside the folder, or, for a Hugging Face cache snapshot
 * (<repo>/snapshots/<revision>/, whose files are links to <repo>/blobs/), inside that repository.
 */
function allowedRoot(root: string): string {
  return basename(dirname(root)) === 'snapshots' ? dirname(dirname(root)) : root
}

/** null when the part is usable, 'missing', or what is wrong with it in words. */
function checkPart(root: string, allowed: string, rel: string): string | null {
  const path = join(root, rel)
  let link: Stats
  try {
    link = lstatSync(path)
  } catch {
    return 'missing'
  }
  let real: string
  let st: Stats
  try {
    real = realpathSync(path)
    st = statSync(real)
  } catch {
    return 'is a symbolic link to nothing (its target is missing)'
  }
  // The real path, not only the last link: a linked component folder (unet -> /elsewhere) leads out too.
  if (!isStrictlyInside(allowed, real))
    return `${link.isSymbolicLink() ? 'is a symbolic link to' : 'is reached through a linked folder at'} ${real}, outside the model folder; copy the file into the folder instead`
  if (!st.isFile()) return `is not a regular file (it is ${kindOf(st)})`
  if (rel.endsWith('.onnx')) {
    if (st.size === 0) return 'is empty'
    if (st.size > MAX_ONNX_FILE_BYTES)
      return `is ${formatGb(st.size)}, over the 2 GB one ONNX file can hold; models this large keep their weights in an external data file (model.onnx_data beside model.onnx)`
  } else {
    const cap = rel.endsWith('tokenizer.json') ? MAX_TOKENIZER_BYTES : MAX_SETTINGS_BYTES
    if (st.size > cap) return `is ${formatLimit(st.size)}, over the ${formatLimit(cap)} such a file can be; it is not a settings file of an export`
  }
  return null
}

function formatGb(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`
}

function readJson(root: string, rel: string, maxBytes: number): unknown {
  try {
    return readFolderJson(join(root, rel), maxBytes)
  } catch (e) {
    throw new SdFolderError(`cannot read ${rel} in ${root}: ${(e as Error).message}`)
  }
}

/** An optional settings file: {} when absent; refused like a required part when it is there but wrong. */
function optionalJson(root: string, allowed: string, rel: string): Record<string, unknown> {
  const problem = checkPart(root, allowed, rel)
  if (problem === 'missing') return {}
  if (problem) throw new SdFolderError(`the model folder ${root} cannot be used: ${rel} ${problem}`)
  const value = readJson(root, rel, MAX_SETTINGS_BYTES)
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
}
