// Text-to-image sampling of an ONNX Stable Diffusion export (folder.ts) on onnxruntime-node: the
// model's tokenizer(s), the text encoder(s) (prompt and negative prompt), classifier-free guidance with
// the UNet run on both in one batch (negative first, as diffusers does), a DDIM, Euler or Euler
// ancestral scheduler in TypeScript (schedulers.ts) and the VAE decoder.
//
// SD 1.x/2.x condition the UNet on the text encoder's last hidden state. SDXL (two text encoders) does
// as diffusers' StableDiffusionXLPipeline: each encoder's penultimate hidden state, concatenated on
// features; the second encoder's projected pooled embedding (text_embeds) and the six size/crop ids
// (time_ids = original size, crop top-left, target size) as added conditioning; with no negative
// prompt the negative branch is all zeros (force_zeros_for_empty_prompt).
//
// A seed fixes every random draw through the project's Rng: the initial latents, then, for Euler
// ancestral, one latent-sized draw per step, so the same seed gives the same image. `latents` and
// `stepNoise` can be given instead (to replay a torch draw).
import { realpathSync } from 'node:fs'
import * as ort from 'onnxruntime-node'
import { describeOrtBackend, openOrtSession } from '../engine/onnx/ort-runner'
import { resolveProvider, type ExecutionProvider, type ProviderChoice } from '../engine/onnx/providers'
import { Rng } from '../random/rng'
import { openSdFolder, SdFolderError, type SdFolder } from './folder'
import { hashModelFolder, type SdProvenance } from './provenance'
import { makeScheduler, schedulerOfConfig, type SchedulerName } from './schedulers'
import { loadPromptTokenizer, type PromptTokenizer } from './tokenizer'

export interface SampleRequest {
  prompt: string
  /** No negative prompt: the empty string for SD 1.x/2.x, zero embeddings for SDXL (as diffusers). */
  negativePrompt?: string
  /** Default: the model's own (`defaultSettings`). */
  scheduler?: SchedulerName
  steps?: number
  /** Classifier-free guidance scale; at 1 or less the negative branch is not run (Turbo models use 0). */
  guidance?: number
  width: number
  height: number
  seed: number
  /** Initial latents (1 x 4 x h/8 x w/8, NCHW) instead of drawing them from `seed`. */
  latents?: Float32Array
  /** Euler ancestral: the per-step Gaussian noise (steps x latent size, step-major) instead of drawing it from `seed`. */
  stepNoise?: Float32Array
  /** Checked before every UNet call: a cancel stops a long image (minutes for SDXL on a CPU) between steps. */
  signal?: AbortSignal
  /** Called after every step with (steps done, steps in all). */
  onStep?: (done: number, total: number) => void
}

/** A request with every default filled in: what was actually run. */
export type ResolvedRequest = Omit<SampleRequest, 'scheduler' | 'steps' | 'guidance'> & { scheduler: SchedulerName; steps: number; guidance: number }

export interface SampledImage {
  /** HWC RGB in [0, 1], float32 (diffusers' output_type="np"). */
  pixels: Float32Array
  width: number
  height: number
  unetCalls: number
  /** The settings the image was made with (defaults filled in). */
  settings: ResolvedRequest
}

/** The model's recommended settings: its scheduler_config.json's scheduler and, for few-step (Turbo) models, 1 step without guidance. */
export interface DefaultSettings {
  scheduler: SchedulerName
  steps: number
  guidance: number
  /** "trailing" timestep spacing: a distilled few-step model (SD-Turbo, SDXL-Turbo) that samples in 1-4 steps without guidance. */
  fewStep: boolean
}

const LATENT_CHANNELS = 4
const VAE_FACTOR = 8
/** The largest side sampled: twice SDXL's native 1024 (the UNet's memory grows with the square). */
const MAX_SIDE = 2048
const SESSION_OPTS = { optimization: 'basic' } as const

export interface OpenOptions {
  /** The execution provider (engine/onnx/providers.ts): 'auto' (default) takes CUDA, DirectML or CoreML where usable, else CPU. */
  provider?: ProviderChoice
}

interface Encoders {
  tokenizer: PromptTokenizer
  session: ort.InferenceSession
  /** Output read as the prompt embedding (last_hidden_state, or the penultimate hidden_states.N for SDXL). */
  hidden: string
}

export function defaultSettings(folder: SdFolder): DefaultSettings {
  const fewStep = folder.scheduler.timestep_spacing === 'trailing'
  const scheduler = schedulerOfConfig(folder.scheduler) ?? 'euler'
  if (fewStep) return { scheduler, steps: 1, guidance: 0, fewStep }
  // diffusers' pipeline defaults: 50 steps, guidance 7.5 (SD) or 5 (SDXL).
  return { scheduler, steps: 50, guidance: folder.kind === 'sdxl' ? 5 : 7.5, fewStep }
}

export class SdPipeline {
  private hash: Promise<string> | null = null

  private constructor(
    readonly folder: SdFolder,
    private readonly encoders: Encoders[],
    /** SDXL: the second encoder's projected pooled output. */
    private readonly pooled: string | null,
    private readonly unet: ort.InferenceSession,
    private readonly vae: ort.InferenceSession,
    /** The onnxruntime backend the sessions run on, in words (goes into provenance). */
    readonly backend: string,
    readonly executionProvider: ExecutionProvider
  ) {}

  static async open(dir: string, opts: OpenOptions = {}): Promise<SdPipeline> {
    const folder = openSdFolder(dir)
    // Resolved once, so every session of the pipeline runs on the same provider (a refused explicit choice throws in words).
    const { provider } = await resolveProvider(opts.provider ?? 'auto')
    // From the path, so an external data file beside model.onnx (models over 2 GB) is found.
    const load = async (path: string, rel: string, what: string): Promise<ort.InferenceSession> => {
      try {
        return (await openOrtSession(path, { ...SESSION_OPTS, provider })).session
      } catch (e) {
        throw new SdFolderError(loadFailure(folder.dir, rel, what, (e as Error).message))
      }
    }
    const sessions: ort.InferenceSession[] = []
    try {
      const open = async (path: string, rel: string, what: string): Promise<ort.InferenceSession> => {
        const s = await load(path, rel, what)
        sessions.push(s)
        return s
      }
      const te = await open(folder.textEncoder, 'text_encoder/model.onnx', 'the text encoder')
      const te2 = folder.textEncoder2 ? await open(folder.textEncoder2, 'text_encoder_2/model.onnx', 'the second text encoder') : null
      const unet = await open(folder.unet, 'unet/model.onnx', 'the UNet')
      const vae = await open(folder.vaeDecoder, 'vae_decoder/model.onnx', 'the VAE decoder')
      const tok = loadPromptTokenizer(folder.tokenizerJson, folder.tokenizerConfig)
      const xl = folder.kind === 'sdxl'
      const encoders: Encoders[] = [{ tokenizer: tok, session: te, hidden: xl ? penultimate(te, 'text_encoder/model.onnx', folder.dir) : 'last_hidden_state' }]
      if (te2 && folder.tokenizer2Json && folder.tokenizer2Config) {
        encoders.push({ tokenizer: loadPromptTokenizer(folder.tokenizer2Json, folder.tokenizer2Config), session: te2, hidden: penultimate(te2, 'text_encoder_2/model.onnx', folder.dir) })
      }
      checkNames(folder, te, te2, unet, vae)
      return new SdPipeline(folder, encoders, te2 ? 'text_embeds' : null, unet, vae, describeOrtBackend(SESSION_OPTS, provider), provider)
    } catch (e) {
      await Promise.all(sessions.map((s) => s.release()))
      throw e
    }
  }

  /** Prompt token ids as the model's (first) tokenizer gives them (padded to its maximum length). */
  tokenize(text: string): number[] {
    return this.encoders[0].tokenizer.encode(text)
  }

  defaults(): DefaultSettings {
    return defaultSettings(this.folder)
  }

  /** The request with the model's defaults filled in and every value checked, in the user's words. */
  resolve(req: SampleRequest): ResolvedRequest {
    const d = this.defaults()
    const r: ResolvedRequest = { ...req, scheduler: req.scheduler ?? d.scheduler, steps: req.steps ?? d.steps, guidance: req.guidance ?? d.guidance }
    for (const [k, v] of [
      ['width', r.width],
      ['height', r.height]
    ] as const) {
      if (!Number.isInteger(v) || v < VAE_FACTOR || v % VAE_FACTOR !== 0) throw new Error(`${k} must be a positive multiple of ${VAE_FACTOR}, got ${v}`)
    }
    if (!(r.guidance >= 0) || !Number.isFinite(r.guidance)) throw new Error(`guidance must be 0 or more, got ${r.guidance}`)
    if (r.width > MAX_SIDE || r.height > MAX_SIDE) throw new Error(`images are at most ${MAX_SIDE} x ${MAX_SIDE} (SDXL's native size is 1024), got ${r.width} x ${r.height}`)
    if (!Number.isInteger(r.seed) || r.seed < 0) throw new Error(`the seed must be a whole number 0 or more, got ${r.seed}`)
    if (r.stepNoise && r.scheduler !== 'euler-ancestral') throw new Error(`stepNoise is noise for euler-ancestral steps; ${r.scheduler} adds none`)
    return r
  }

  /** Embeddings for each text (batch, tokens, features) and, for SDXL, the pooled embeddings (batch, features). */
  private async encodeText(texts: string[]): Promise<{ embeds: Float32Array; dims: number[]; pooled: Float32Array | null; pooledDim: number }> {
    const parts: { data: Float32Array; dims: readonly number[] }[] = []
    let pooled: Float32Array | null = null
    let pooledDim = 0
    for (const e of this.encoders) {
      const ids = texts.flatMap((t) => e.tokenizer.encode(t))
      const type = inputType(e.session, 'input_ids')
      const data = type === 'int64' ? BigInt64Array.from(ids, (v) => BigInt(v)) : Int32Array.from(ids)
      const out = await e.session.run({ input_ids: new ort.Tensor(type === 'int64' ? 'int64' : 'int32', data, [texts.length, e.tokenizer.maxLength]) })
      parts.push({ data: out[e.hidden].data as Float32Array, dims: out[e.hidden].dims })
      if (this.pooled && e === this.encoders[this.encoders.length - 1]) {
        pooled = out[this.pooled].data as Float32Array
        pooledDim = out[this.pooled].dims[1]
      }
    }
    if (parts.length === 1) return { embeds: parts[0].data, dims: [...parts[0].dims], pooled, pooledDim }
    // Concatenate on the feature axis (torch.concat(..., dim=-1)); both encoders give the same token count.
    const [b, tokens] = parts[0].dims
    if (parts.some((p) => p.dims[1] !== tokens)) throw new Error(`the two text encoders give ${parts.map((p) => p.dims[1]).join(' and ')} tokens; they must agree`)
    const widths = parts.map((p) => p.dims[2])
    const total = widths.reduce((a, w) => a + w, 0)
    const embeds = new Float32Array(b * tokens * total)
    for (let row = 0; row < b * tokens; row++) {
      let off = row * total
      parts.forEach((p, j) => {
        embeds.set(p.data.subarray(row * widths[j], (row + 1) * widths[j]), off)
        off += widths[j]
      })
    }
    return { embeds, dims: [b, tokens, total], pooled, pooledDim }
  }

  /** The conditioning for the UNet: with guidance, the negative branch first. */
  private async conditioning(r: ResolvedRequest, cfg: boolean): Promise<{ embeds: ort.Tensor; textEmbeds: ort.Tensor | null; batch: number }> {
    const zeroNegative = cfg && this.folder.kind === 'sdxl' && r.negativePrompt === undefined && this.folder.forceZerosForEmptyPrompt
    const texts = cfg && !zeroNegative ? [r.negativePrompt ?? '', r.prompt] : [r.prompt]
    const enc = await this.encodeText(texts)
    let { embeds, pooled } = enc
    const [, tokens, width] = enc.dims
    let batch = enc.dims[0]
    if (zeroNegative) {
      // diffusers: torch.zeros_like(prompt_embeds) and of the pooled embeddings, placed first.
      const withZeros = new Float32Array(2 * embeds.length)
      withZeros.set(embeds, embeds.length)
      embeds = withZeros
      if (pooled) {
        const p = new Float32Array(2 * pooled.length)
        p.set(pooled, pooled.length)
        pooled = p
      }
      batch = 2
    }
    const textEmbeds = pooled ? new ort.Tensor('float32', pooled, [batch, enc.pooledDim]) : null
    return { embeds: new ort.Tensor('float32', embeds, [batch, tokens, width]), textEmbeds, batch }
  }

  async sample(req: SampleRequest): Promise<SampledImage> {
    const r = this.resolve(req)
    const h = r.height / VAE_FACTOR
    const w = r.width / VAE_FACTOR
    const size = LATENT_CHANNELS * h * w
    const scheduler = makeScheduler(r.scheduler, this.folder.scheduler, r.steps)
    const rng = new Rng(r.seed)
    let latents: Float32Array
    if (r.latents) {
      if (r.latents.length !== size) throw new Error(`latents must hold ${size} values (1 x 4 x ${h} x ${w}), got ${r.latents.length}`)
      latents = r.latents.map((v) => v * scheduler.initNoiseSigma)
    } else {
      latents = Float32Array.from({ length: size }, () => rng.normal() * scheduler.initNoiseSigma)
    }
    if (r.stepNoise && r.stepNoise.length !== size * r.steps) throw new Error(`stepNoise must hold ${size * r.steps} values (${r.steps} steps x ${size}), got ${r.stepNoise.length}`)
    const cfg = r.guidance > 1
    const { embeds, textEmbeds, batch } = await this.conditioning(r, cfg)
    const timeIds = textEmbeds
      ? new ort.Tensor(
          'float32',
          Float32Array.from({ length: batch * 6 }, (_, k) => [r.height, r.width, 0, 0, r.height, r.width][k % 6]),
          [batch, 6]
        )
      : null
    const timestepType = inputType(this.unet, 'timestep')
    let unetCalls = 0
    for (let i = 0; i < scheduler.timesteps.length; i++) {
      if (r.signal?.aborted) throw cancelled()
      const t = scheduler.timesteps[i]
      const scaled = scheduler.scaleInput(latents, i)
      const sample = new Float32Array(batch * size)
      for (let b = 0; b < batch; b++) sample.set(scaled, b * size)
      // An integer timestep input gets the rounded step (exact for DDIM and for Euler's usual step counts).
      const timestep =
        timestepType === 'int64'
          ? new ort.Tensor(
              'int64',
              BigInt64Array.from({ length: batch }, () => BigInt(Math.round(t))),
              [batch]
            )
          : new ort.Tensor(
              'float32',
              Float32Array.from({ length: batch }, () => t),
              [batch]
            )
      const feeds: Record<string, ort.Tensor> = { sample: new ort.Tensor('float32', sample, [batch, LATENT_CHANNELS, h, w]), timestep, encoder_hidden_states: embeds }
      if (textEmbeds && timeIds) {
        feeds.text_embeds = textEmbeds
        feeds.time_ids = timeIds
      }
      const out = await this.unet.run(feeds)
      unetCalls++
      const pred = out.out_sample.data as Float32Array
      let eps: Float32Array
      if (cfg) {
        eps = new Float32Array(size)
        for (let k = 0; k < size; k++) eps[k] = pred[k] + r.guidance * (pred[size + k] - pred[k])
      } else eps = pred.slice(0, size)
      let noise: Float32Array | undefined
      if (scheduler.stochastic) noise = r.stepNoise ? r.stepNoise.subarray(i * size, (i + 1) * size) : Float32Array.from({ length: size }, () => rng.normal())
      latents = scheduler.step(eps, i, latents, noise)
      r.onStep?.(i + 1, scheduler.timesteps.length)
    }
    const decoded = await this.vae.run({
      latent_sample: new ort.Tensor(
        'float32',
        latents.map((v) => v / this.folder.vaeScalingFactor),
        [1, LATENT_CHANNELS, h, w]
      )
    })
    const chw = decoded.sample.data as Float32Array
    const n = r.width * r.height
    const pixels = new Float32Array(n * 3)
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) pixels[p * 3 + c] = Math.min(1, Math.max(0, chw[c * n + p] / 2 + 0.5))
    // The settings without the callbacks, so the result survives a structured clone (the sampler's worker posts it).
    const settings: ResolvedRequest = { ...r }
    delete settings.signal
    delete settings.onStep
    return { pixels, width: r.width, height: r.height, unetCalls, settings }
  }

  /** The model folder's content hash ("sha256:<hex>", provenance.ts), computed once per pipeline. */
  modelHash(): Promise<string> {
    if (!this.hash) {
      this.hash = hashModelFolder(this.folder)
      // A failed hash (a file changed or vanished) is tried again on the next call.
      void this.hash.catch(() => (this.hash = null))
    }
    return this.hash
  }

  /**
   * The provenance record of a run: what an image made by `sample(req)` (or given `image.settings`)
   * carries into the workspace.
   */
  async provenance(req: SampleRequest | ResolvedRequest): Promise<SdProvenance> {
    const r = this.resolve(req)
    return {
      source: 'sd-onnx',
      model: realpathSync(this.folder.dir),
      modelKind: this.folder.kind,
      modelHash: await this.modelHash(),
      prompt: r.prompt,
      negativePrompt: r.negativePrompt ?? null,
      scheduler: r.scheduler,
      steps: r.steps,
      guidance: r.guidance,
      seed: r.seed,
      width: r.width,
      height: r.height,
      executionProvider: this.executionProvider,
      backend: this.backend,
      replayedNoise: r.latents !== undefined || r.stepNoise !== undefined
    }
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.encoders.map((e) => e.session.release()), this.unet.release(), this.vae.release()])
  }
}

/** A cancelled image, named as the engine's and the sampler's cancels are ('AbortError'). */
function cancelled(): Error {
  const err = new Error('sampling was cancelled')
  err.name = 'AbortError'
  return err
}

/** SDXL conditions on each encoder's penultimate layer: hidden_states.(N-1) of an export with hidden_states.0..N. */
function penultimate(s: ort.InferenceSession, file: string, dir: string): string {
  const layers = s.outputNames.map((n) => /^hidden_states\.(\d+)$/.exec(n)).filter((m): m is RegExpExecArray => m !== null)
  if (layers.length < 2) {
    throw new SdFolderError(`${file} in ${dir} has no hidden_states.N outputs (it has ${s.outputNames.join(', ')}); an SDXL text encoder must be exported with its hidden states, as optimum-cli does`)
  }
  return `hidden_states.${Math.max(...layers.map((m) => Number(m[1]))) - 1}`
}

function checkNames(folder: SdFolder, te: ort.InferenceSession, te2: ort.InferenceSession | null, unet: ort.InferenceSession, vae: ort.InferenceSession): void {
  const xl = folder.kind === 'sdxl'
  const want: [ort.InferenceSession, string, string[], string[]][] = [
    [te, 'text_encoder/model.onnx', ['input_ids'], xl ? [] : ['last_hidden_state']],
    [unet, 'unet/model.onnx', ['sample', 'timestep', 'encoder_hidden_states', ...(xl ? ['text_embeds', 'time_ids'] : [])], ['out_sample']],
    [vae, 'vae_decoder/model.onnx', ['latent_sample'], ['sample']]
  ]
  if (te2) want.push([te2, 'text_encoder_2/model.onnx', ['input_ids'], ['text_embeds']])
  // Half-precision exports (optimum-cli --dtype fp16) take float16 tensors this pipeline does not make.
  for (const [s, file, input] of [
    [unet, 'unet/model.onnx', 'sample'],
    [vae, 'vae_decoder/model.onnx', 'latent_sample']
  ] as const) {
    const type = inputType(s, input)
    if (type !== 'float32') throw new SdFolderError(`${file} in ${folder.dir} takes ${type} input; only float32 exports can be sampled yet (export without --dtype fp16)`)
  }
  for (const [s, file, inputs, outputs] of want) {
    const missing = [...inputs.filter((n) => !s.inputNames.includes(n)), ...outputs.filter((n) => !s.outputNames.includes(n))]
    if (missing.length > 0)
      throw new SdFolderError(
        `${file} in ${folder.dir} lacks ${missing.join(', ')} (it has inputs ${s.inputNames.join(', ')} and outputs ${s.outputNames.join(', ')}); it is not an Optimum-style export`
      )
  }
}

/** onnxruntime's refusal of a part, in words: a missing external data file is named. */
function loadFailure(dir: string, rel: string, what: string, message: string): string {
  const external = /External data path does not exist: "?([^"\n]+)"?/.exec(message)
  if (external) return `${what} (${rel} in ${dir}) keeps its weights in an external data file that is missing: ${external[1]}; copy it beside model.onnx`
  const short = /External initializer: (\S+) .*given file_length: (\d+) are out of bounds/.exec(message)
  if (short) return `${what} (${rel} in ${dir}) has an incomplete external data file: the weight ${short[1]} lies past its end (${short[2]} bytes); copy model.onnx_data again`
  if (/external data/i.test(message)) return `${what} (${rel} in ${dir}) has an external data file that onnxruntime refused (incomplete or outside the folder?): ${message.split('\n')[0]}`
  return `onnxruntime could not load ${what} (${rel} in ${dir}): ${message.split('\n')[0]}`
}

/** The element type of a session input ('int32', 'int64', 'float32', ...), from the model's metadata. */
function inputType(s: ort.InferenceSession, name: string): string {
  const meta = (s as unknown as { inputMetadata?: readonly { name: string; type?: string }[] }).inputMetadata
  return meta?.find((m) => m.name === name)?.type ?? 'float32'
}
