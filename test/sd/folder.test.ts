// Hostile and broken model folders: every refusal names the part and what is wrong with it, before
// onnxruntime reads anything where it can (missing parts, links out of the folder, FIFOs, empty,
// oversized or garbage files), and after where only onnxruntime can tell (a missing or truncated
// external data file, bytes that are no ONNX model).
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSdFolder, SdFolderError } from '../../src-main/core/sd/folder'
import { SdPipeline } from '../../src-main/core/sd/pipeline'
import { tempDir } from '../store/helpers'
import { SD_FIXTURE } from './helpers'

let tmp: { dir: string; cleanup: () => void }
beforeEach(() => {
  tmp = tempDir('sd-folder-')
})
afterEach(() => tmp.cleanup())

/** A copy of a fixture model to break. */
function copyOf(name: 'model' | 'model-sdxl'): string {
  const dir = join(tmp.dir, name)
  cpSync(join(SD_FIXTURE, name), dir, { recursive: true })
  return dir
}

async function openError(dir: string): Promise<string> {
  const err = await SdPipeline.open(dir).then(
    async (p) => {
      await p.dispose()
      return null
    },
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(SdFolderError)
  return (err as Error).message
}

describe('opening a model folder', () => {
  it('names a missing SDXL part and calls the folder an SDXL export', async () => {
    const dir = copyOf('model-sdxl')
    rmSync(join(dir, 'tokenizer_2/tokenizer.json'))
    rmSync(join(dir, 'text_encoder_2/model.onnx'))
    expect(await openError(dir)).toBe(
      `the model folder ${dir} is not a complete ONNX Stable Diffusion XL export: missing tokenizer_2/tokenizer.json (the second tokenizer (tokenizer.json)), text_encoder_2/model.onnx (the second text encoder); export it again with \`optimum-cli export onnx --task text-to-image\``
    )
  })

  it('refuses a part that is a symbolic link out of the folder', async () => {
    const dir = copyOf('model')
    const outside = join(tmp.dir, 'elsewhere.onnx')
    renameSync(join(dir, 'unet/model.onnx'), outside)
    symlinkSync(outside, join(dir, 'unet/model.onnx'))
    expect(await openError(dir)).toBe(`the model folder ${dir} cannot be used: unet/model.onnx is a symbolic link to ${outside}, outside the model folder; copy the file into the folder instead`)
  })

  it('refuses a component folder that is a link out of the model folder', async () => {
    const dir = copyOf('model')
    const outside = join(tmp.dir, 'elsewhere')
    renameSync(join(dir, 'unet'), outside)
    symlinkSync(outside, join(dir, 'unet'))
    expect(await openError(dir)).toBe(
      `the model folder ${dir} cannot be used: unet/model.onnx is reached through a linked folder at ${join(outside, 'model.onnx')}, outside the model folder; copy the file into the folder instead`
    )
  })

  it('follows links that stay inside the folder, and into the blobs of a Hugging Face cache snapshot', async () => {
    const dir = copyOf('model')
    mkdirSync(join(dir, 'shared'))
    renameSync(join(dir, 'vae_decoder/model.onnx'), join(dir, 'shared/vae.onnx'))
    symlinkSync('../shared/vae.onnx', join(dir, 'vae_decoder/model.onnx'))
    expect(openSdFolder(dir).kind).toBe('sd')

    const repo = join(tmp.dir, 'models--someone--tiny-sd')
    const snapshot = join(repo, 'snapshots/0123abc')
    mkdirSync(join(repo, 'blobs'), { recursive: true })
    cpSync(join(SD_FIXTURE, 'model'), snapshot, { recursive: true })
    rmSync(join(snapshot, 'unet/model.onnx'))
    cpSync(join(SD_FIXTURE, 'model/unet/model.onnx'), join(repo, 'blobs/9f8e7d'))
    symlinkSync('../../../blobs/9f8e7d', join(snapshot, 'unet/model.onnx'))
    const p = await SdPipeline.open(snapshot)
    await p.dispose()
  })

  it('refuses a link to nothing, a FIFO, a folder and an empty model, all at once and without hanging', async () => {
    const dir = copyOf('model')
    rmSync(join(dir, 'text_encoder/model.onnx'))
    symlinkSync(join(dir, 'nowhere.onnx'), join(dir, 'text_encoder/model.onnx'))
    rmSync(join(dir, 'scheduler/scheduler_config.json'))
    execFileSync('mkfifo', [join(dir, 'scheduler/scheduler_config.json')])
    rmSync(join(dir, 'tokenizer/tokenizer.json'))
    mkdirSync(join(dir, 'tokenizer/tokenizer.json'))
    writeFileSync(join(dir, 'vae_decoder/model.onnx'), '')
    expect(await openError(dir)).toBe(
      `the model folder ${dir} cannot be used: tokenizer/tokenizer.json is not a regular file (it is a folder); text_encoder/model.onnx is a symbolic link to nothing (its target is missing); vae_decoder/model.onnx is empty; scheduler/scheduler_config.json is not a regular file (it is a FIFO (named pipe))`
    )
  })

  it('refuses an ONNX file over 2 GB and a huge settings file before reading them', async () => {
    const dir = copyOf('model')
    // Sparse files: the size is real, the disk is not used.
    truncateSync(join(dir, 'unet/model.onnx'), 2.5 * 1024 ** 3)
    truncateSync(join(dir, 'tokenizer/tokenizer_config.json'), 5 * 1024 ** 2)
    expect(await openError(dir)).toBe(
      `the model folder ${dir} cannot be used: tokenizer/tokenizer_config.json is 5 MB, over the 1 MB such a file can be; it is not a settings file of an export; unet/model.onnx is 2.5 GB, over the 2 GB one ONNX file can hold; models this large keep their weights in an external data file (model.onnx_data beside model.onnx)`
    )
  })

  it('refuses a FIFO or a link out of the folder beside the parts (where external data and configs lie)', async () => {
    const fifo = copyOf('model')
    execFileSync('mkfifo', [join(fifo, 'unet/model.onnx_data')])
    expect(await openError(fifo)).toBe(`the model folder ${fifo} cannot be used: unet/model.onnx_data is not a regular file (it is a FIFO (named pipe))`)
    rmSync(fifo, { recursive: true })
    const linked = copyOf('model-sdxl')
    const outside = join(tmp.dir, 'weights.bin')
    renameSync(join(linked, 'unet/model.onnx_data'), outside)
    symlinkSync(outside, join(linked, 'unet/model.onnx_data'))
    expect(await openError(linked)).toBe(`the model folder ${linked} cannot be used: unet/model.onnx_data leads to ${outside}, outside the model folder; copy the file into the folder instead`)
  })

  it('says which settings file is not JSON', async () => {
    const dir = copyOf('model')
    writeFileSync(join(dir, 'scheduler/scheduler_config.json'), '{"num_train_timesteps": 1000,')
    expect(await openError(dir)).toMatch(new RegExp(`^cannot read scheduler/scheduler_config.json in ${dir}: .*JSON`))
  })

  it('names the part onnxruntime cannot read: garbage bytes', async () => {
    const dir = copyOf('model')
    writeFileSync(join(dir, 'unet/model.onnx'), Buffer.from('this is not an ONNX model, only some bytes'))
    expect(await openError(dir)).toMatch(new RegExp(`^onnxruntime could not load the UNet \\(unet/model.onnx in ${dir}\\): .*Protobuf parsing failed`))
  })

  it('refuses a half-precision export in words', async () => {
    const dir = copyOf('model')
    cpSync(join(SD_FIXTURE, 'reference/fp16-vae_decoder.onnx'), join(dir, 'vae_decoder/model.onnx'))
    expect(await openError(dir)).toBe(`vae_decoder/model.onnx in ${dir} takes float16 input; only float32 exports can be sampled yet (export without --dtype fp16)`)
  })

  it('names a missing external data file', async () => {
    const dir = copyOf('model-sdxl')
    rmSync(join(dir, 'unet/model.onnx_data'))
    expect(await openError(dir)).toBe(
      `the UNet (unet/model.onnx in ${dir}) keeps its weights in an external data file that is missing: ${join(dir, 'unet/model.onnx_data')}; copy it beside model.onnx`
    )
  })

  it('refuses a truncated external data file (an interrupted copy)', async () => {
    const dir = copyOf('model-sdxl')
    truncateSync(join(dir, 'unet/model.onnx_data'), 1000)
    expect(await openError(dir)).toMatch(
      new RegExp(`^the UNet \\(unet/model.onnx in ${dir}\\) has an incomplete external data file: the weight \\S+ lies past its end \\(1000 bytes\\); copy model.onnx_data again$`)
    )
  })
})
