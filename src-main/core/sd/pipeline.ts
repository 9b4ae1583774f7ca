// Text-to-image sampling of an ONNX Stable Diffusion export (folder.ts) on onnxruntime-node: the
// model's tokenizer, the text encoder (prompt and negative prompt), classifier-free guidance with the
// UNet run on both in one batch (negative first, as diffusers does), a DDIM or Euler scheduler in
// TypeScript (schedulers.ts) and the VAE decoder. A seed fixes the initial latents (the project's Rng),
// so the same seed gives the same image; `latents` can be given instead (to replay a torch draw).
import * as ort from 'onnxruntime-node'
import { sessionOptions } from '../engine/onnx/ort-runner'
import { Rng } from '../random/rng'
import { openSdFolder, SdFolderError, type SdFolder } from './folder'
import { makeScheduler, type SchedulerName } from './schedulers'
import { loadPromptTokenizer, type PromptTokenizer } from './tokenizer'

export interface SampleRequest {
  prompt: string
  negativePrompt?: string
  scheduler: SchedulerName
  steps: number
  guidance: number
  width: number
  height: number
  seed: number
  /** Initial latents (1 x 4 x h/8 x w/8, NCHW) instead of drawing them from `seed`. */
  latents?: Float32Array
}

export interface SampledImage {
  /** HWC RGB in [0, 1], float32 (diffusers' output_type="np"). */
  pixels: Float32Array
  width: number
  height: number
  unetCalls: number
}

const LATENT_CHANNELS = 4
const VAE_FACTOR = 8

export class SdPipeline {
  private constructor(
    readonly folder: SdFolder,
    private readonly tokenizer: PromptTokenizer,
    private readonly textEncoder: ort.InferenceSession,
    private readonly unet: ort.InferenceSession,
    private readonly vae: ort.InferenceSession
  ) {}

  static async open(dir: string): Promise<SdPipeline> {
    const folder = openSdFolder(dir)
    const tokenizer = loadPromptTokenizer(folder.tokenizerJson, folder.tokenizerConfig)
    // From the path, so an external data file beside model.onnx (models over 2 GB) is found.
    const load = async (path: string, what: string): Promise<ort.InferenceSession> => {
      try {
        return await ort.InferenceSession.create(path, sessionOptions({ optimization: 'basic' }))
      } catch (e) {
        throw new SdFolderError(`onnxruntime could not load ${what} ${path}: ${(e as Error).message}`)
      }
    }
    const textEncoder = await load(folder.textEncoder, 'the text encoder')
    const unet = await load(folder.unet, 'the UNet')
    const vae = await load(folder.vaeDecoder, 'the VAE decoder')
    const p = new SdPipeline(folder, tokenizer, textEncoder, unet, vae)
    p.checkNames()
    return p
  }

  private checkNames(): void {
    const want: [ort.InferenceSession, string, string[], string[]][] = [
      [this.textEncoder, 'text_encoder/model.onnx', ['input_ids'], ['last_hidden_state']],
      [this.unet, 'unet/model.onnx', ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample']],
      [this.vae, 'vae_decoder/model.onnx', ['latent_sample'], ['sample']]
    ]
    for (const [s, file, inputs, outputs] of want) {
      const missing = [...inputs.filter((n) => !s.inputNames.includes(n)), ...outputs.filter((n) => !s.outputNames.includes(n))]
      if (missing.length > 0)
        throw new SdFolderError(
          `${file} in ${this.folder.dir} lacks ${missing.join(', ')} (it has inputs ${s.inputNames.join(', ')} and outputs ${s.outputNames.join(', ')}); it is not an Optimum-style export`
        )
    }
  }

  /** Prompt token ids as the model's tokenizer gives them (padded to its maximum length). */
  tokenize(text: string): number[] {
    return this.tokenizer.encode(text)
  }

  private async encodeText(texts: string[]): Promise<ort.Tensor> {
    const ids = texts.flatMap((t) => this.tokenizer.encode(t))
    const type = inputType(this.textEncoder, 'input_ids')
    const data = type === 'int64' ? BigInt64Array.from(ids, (v) => BigInt(v)) : Int32Array.from(ids)
    const out = await this.textEncoder.run({ input_ids: new ort.Tensor(type === 'int64' ? 'int64' : 'int32', data, [texts.length, this.tokenizer.maxLength]) })
    return out.last_hidden_state
  }

  async sample(req: SampleRequest): Promise<SampledImage> {
    for (const [k, v] of [
      ['width', req.width],
      ['height', req.height]
    ] as const) {
      if (!Number.isInteger(v) || v < VAE_FACTOR || v % VAE_FACTOR !== 0) throw new Error(`${k} must be a positive multiple of ${VAE_FACTOR}, got ${v}`)
    }
    if (!(req.guidance >= 0)) throw new Error(`guidance must be 0 or more, got ${req.guidance}`)
    const h = req.height / VAE_FACTOR
    const w = req.width / VAE_FACTOR
    const size = LATENT_CHANNELS * h * w
    const scheduler = makeScheduler(req.scheduler, this.folder.scheduler, req.steps)
    let latents: Float32Array
    if (req.latents) {
      if (req.latents.length !== size) throw new Error(`latents must hold ${size} values (1 x 4 x ${h} x ${w}), got ${req.latents.length}`)
      latents = req.latents.map((v) => v * scheduler.initNoiseSigma)
    } else {
      const rng = new Rng(req.seed)
      latents = Float32Array.from({ length: size }, () => rng.normal() * scheduler.initNoiseSigma)
    }
    const cfg = req.guidance > 1
    const texts = cfg ? [req.negativePrompt ?? '', req.prompt] : [req.prompt]
    const embeds = await this.encodeText(texts)
    const batch = texts.length
    const timestepType = inputType(this.unet, 'timestep')
    let unetCalls = 0
    for (let i = 0; i < scheduler.timesteps.length; i++) {
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
      const out = await this.unet.run({ sample: new ort.Tensor('float32', sample, [batch, LATENT_CHANNELS, h, w]), timestep, encoder_hidden_states: embeds })
      unetCalls++
      const pred = out.out_sample.data as Float32Array
      let eps: Float32Array
      if (cfg) {
        eps = new Float32Array(size)
        for (let k = 0; k < size; k++) eps[k] = pred[k] + req.guidance * (pred[size + k] - pred[k])
      } else eps = pred.slice(0, size)
      latents = scheduler.step(eps, i, latents)
    }
    const decoded = await this.vae.run({
      latent_sample: new ort.Tensor(
        'float32',
        latents.map((v) => v / this.folder.vaeScalingFactor),
        [1, LATENT_CHANNELS, h, w]
      )
    })
    const chw = decoded.sample.data as Float32Array
    const n = req.width * req.height
    const pixels = new Float32Array(n * 3)
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) pixels[p * 3 + c] = Math.min(1, Math.max(0, chw[c * n + p] / 2 + 0.5))
    return { pixels, width: req.width, height: req.height, unetCalls }
  }

  async dispose(): Promise<void> {
    await Promise.all([this.textEncoder.release(), this.unet.release(), this.vae.release()])
  }
}

/** The element type of a session input ('int32', 'int64', 'float32', ...), from the model's metadata. */
function inputType(s: ort.InferenceSession, name: string): string {
  const meta = (s as unknown as { inputMetadata?: readonly { name: string; type?: string }[] }).inputMetadata
  return meta?.find((m) => m.name === name)?.type ?? 'float32'
}
