// `npm run bench:sd [-- MODEL_DIR]`: sampling speed of the ONNX Stable Diffusion pipeline on this
// machine: UNet calls/s and images/s for DDIM and Euler, 20 steps, guidance 7.5 (each UNet call runs
// the negative and the positive prompt as one batch of 2), on the tiny SD 1.x test export by default
// (test/fixtures/tiny-sd-onnx/model, 64x64) or on a real export given as MODEL_DIR (512x512).
import { join } from 'node:path'
import { describeOrtBackend } from '../src-main/core/engine/onnx/ort-runner'
import { SdPipeline } from '../src-main/core/sd/pipeline'

const dir = process.argv[2] ?? join(__dirname, '../test/fixtures/tiny-sd-onnx/model')
const size = process.argv[2] ? 512 : 64
const STEPS = 20
const IMAGES = Number(process.env.SD_BENCH_IMAGES ?? 5)

async function main(): Promise<void> {
  const t0 = performance.now()
  const pipe = await SdPipeline.open(dir)
  console.log(`${dir}: opened in ${((performance.now() - t0) / 1000).toFixed(2)} s on ${describeOrtBackend({ optimization: 'basic' })} (CPU execution provider)`)
  for (const scheduler of ['ddim', 'euler'] as const) {
    await pipe.sample({ prompt: 'a photo of a doctor', scheduler, steps: 2, guidance: 7.5, width: size, height: size, seed: 0 }) // warm-up
    let calls = 0
    const t = performance.now()
    for (let seed = 0; seed < IMAGES; seed++) calls += (await pipe.sample({ prompt: 'a photo of a doctor', scheduler, steps: STEPS, guidance: 7.5, width: size, height: size, seed })).unetCalls
    const s = (performance.now() - t) / 1000
    console.log(`${scheduler}: ${IMAGES} images of ${size}x${size}, ${STEPS} steps: ${(calls / s).toFixed(1)} UNet calls/s, ${(IMAGES / s).toFixed(2)} images/s`)
  }
  await pipe.dispose()
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
