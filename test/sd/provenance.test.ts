// The provenance record of a Stable Diffusion run: the model folder and its content hash, scheduler,
// steps, guidance, seed, size and execution provider (engine/onnx/providers.ts), with the model's
// defaults filled in. The hash
// follows the content (a copy elsewhere hashes the same; one changed byte of the external weights or
// one changed scheduler setting does not).
import { appendFileSync, cpSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installedProviders } from '../../src-main/core/engine/onnx/providers'
import { openSdFolder } from '../../src-main/core/sd/folder'
import { SdPipeline } from '../../src-main/core/sd/pipeline'
import { hashedFiles, hashModelFolder } from '../../src-main/core/sd/provenance'
import { tempDir } from '../store/helpers'
import { ON_CPU, SD_FIXTURE } from './helpers'

const MODEL = join(SD_FIXTURE, 'model')
const SDXL = join(SD_FIXTURE, 'model-sdxl')
let tmp: { dir: string; cleanup: () => void }
let pipe: SdPipeline
beforeAll(async () => {
  tmp = tempDir('sd-prov-')
  pipe = await SdPipeline.open(MODEL, ON_CPU)
})
afterAll(async () => {
  await pipe.dispose()
  tmp.cleanup()
})

function copyOf(src: string, name: string): string {
  const dir = join(tmp.dir, name)
  cpSync(src, dir, { recursive: true })
  return dir
}

describe('provenance of a Stable Diffusion run', () => {
  it('records the folder, its hash and every setting the image was made with', async () => {
    const image = await pipe.sample({ prompt: 'a photo of a nurse', scheduler: 'euler-ancestral', steps: 2, guidance: 6, width: 64, height: 64, seed: 42 })
    const p = await pipe.provenance(image.settings)
    expect(p).toEqual({
      source: 'sd-onnx',
      model: realpathSync(MODEL),
      modelKind: 'sd',
      modelHash: await hashModelFolder(openSdFolder(MODEL)),
      prompt: 'a photo of a nurse',
      negativePrompt: null,
      scheduler: 'euler-ancestral',
      steps: 2,
      guidance: 6,
      seed: 42,
      width: 64,
      height: 64,
      executionProvider: 'cpu',
      backend: expect.stringMatching(/^onnxruntime-node \d+\.\d+\.\d+ \(CPU, 2 threads, basic optimisation\)$/) as unknown,
      replayedNoise: false
    })
    expect(p.modelHash).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(JSON.parse(JSON.stringify(p))).toEqual(p)
  })

  it('runs on the execution provider chosen, and refuses one this install lacks in words', async () => {
    expect(pipe.executionProvider).toBe('cpu')
    // DirectML exists only in Windows builds, CoreML only in macOS ones: one of them is missing everywhere.
    const missing = installedProviders().find((p) => (p.name === 'dml' || p.name === 'coreml') && p.reason !== null)!
    await expect(SdPipeline.open(MODEL, { provider: missing.name })).rejects.toThrow(`The ${missing.label} execution provider cannot be used`)
  })

  it("fills in the model's defaults and marks replayed noise", async () => {
    const p = await pipe.provenance({ prompt: 'a doctor', negativePrompt: 'blurry', width: 64, height: 64, seed: 1, latents: new Float32Array(256) })
    expect(p).toMatchObject({ scheduler: 'euler', steps: 50, guidance: 7.5, negativePrompt: 'blurry', replayedNoise: true })
  })

  it('hashes every file the pipeline reads, external weights included', () => {
    expect(hashedFiles(openSdFolder(SDXL))).toEqual([
      'model_index.json',
      'scheduler/scheduler_config.json',
      'text_encoder/model.onnx',
      'text_encoder_2/model.onnx',
      'tokenizer/merges.txt',
      'tokenizer/tokenizer.json',
      'tokenizer/tokenizer_config.json',
      'tokenizer/vocab.json',
      'tokenizer_2/merges.txt',
      'tokenizer_2/tokenizer.json',
      'tokenizer_2/tokenizer_config.json',
      'tokenizer_2/vocab.json',
      'unet/config.json',
      'unet/model.onnx',
      'unet/model.onnx_data',
      'vae_decoder/config.json',
      'vae_decoder/model.onnx'
    ])
  })

  it('follows the content: a copy hashes the same, a changed weight or setting does not', async () => {
    const original = await hashModelFolder(openSdFolder(SDXL))
    const copy = copyOf(SDXL, 'copy')
    writeFileSync(join(copy, '.DS_Store'), 'finder litter')
    expect(await hashModelFolder(openSdFolder(copy))).toBe(original)
    appendFileSync(join(copy, 'unet/model.onnx_data'), Buffer.from([0]))
    const weights = await hashModelFolder(openSdFolder(copy))
    expect(weights).not.toBe(original)
    const sched = copyOf(SDXL, 'sched')
    writeFileSync(join(sched, 'scheduler/scheduler_config.json'), JSON.stringify({ ...openSdFolder(SDXL).scheduler, timestep_spacing: 'trailing' }))
    const other = await hashModelFolder(openSdFolder(sched))
    expect(new Set([original, weights, other]).size).toBe(3)
  })
})
