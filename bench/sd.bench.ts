// `npm run bench:sd [-- --model MODEL_DIR]`: sampling speed of the ONNX Stable Diffusion pipeline on this
// machine: UNet calls/s and images/s for DDIM, Euler and Euler ancestral at 20 steps, guidance 7.5
// (each UNet call runs the negative and the positive prompt as one batch of 2), and Turbo-style
// (1 step, guidance 0: one batch-1 UNet call per image). By default on the tiny SD 1.x and SDXL test
// exports (test/fixtures/tiny-sd-onnx, 64x64), or on a real export given as MODEL_DIR (512x512, 1024
// for SDXL). SD_BENCH_PROVIDER picks the execution provider (auto, cpu, cuda, dml, coreml).
import { join } from 'node:path'
import { readFlags } from '../src-main/core/cli-flags'
import { parseProviderChoice } from '../src-main/core/engine/onnx/providers'
import { SdPipeline } from '../src-main/core/sd/pipeline'
import type { SchedulerName } from '../src-main/core/sd/schedulers'

const FIXTURES = join(__dirname, '../test/fixtures/tiny-sd-onnx')
const flags = readFlags(process.argv.slice(2), { values: ['model'] })
const model = flags.values.model
const dirs = model ? [model] : [join(FIXTURES, 'model'), join(FIXTURES, 'model-sdxl')]
const STEPS = 20
const IMAGES = Number(process.env.SD_BENCH_IMAGES ?? 5)
const provider = parseProviderChoice(process.env.SD_BENCH_PROVIDER)

async function bench(pipe: SdPipeline, label: string, scheduler: SchedulerName, steps: number, guidance: number, size: number): Promise<void> {
  const req = { prompt: 'a photo of a doctor', scheduler, guidance, width: size, height: size }
  await pipe.sample({ ...req, steps: Math.min(2, steps), seed: 0 }) // warm-up
  let calls = 0
  const t = performance.now()
  for (let seed = 0; seed < IMAGES; seed++) calls += (await pipe.sample({ ...req, steps, seed })).unetCalls
  const s = (performance.now() - t) / 1000
  console.log(`  ${label}: ${IMAGES} images of ${size}x${size}, ${steps} step(s): ${(calls / s).toFixed(1)} UNet calls/s, ${(IMAGES / s).toFixed(2)} images/s`)
}

async function main(): Promise<void> {
  for (const dir of dirs) {
    const t0 = performance.now()
    const pipe = await SdPipeline.open(dir, { provider })
    const size = model ? (pipe.folder.kind === 'sdxl' ? 1024 : 512) : 64
    console.log(`${dir} (${pipe.folder.kind}): opened in ${((performance.now() - t0) / 1000).toFixed(2)} s on ${pipe.backend}`)
    for (const scheduler of ['ddim', 'euler', 'euler-ancestral'] as const) {
      // DDIM has no "linspace" spacing (the tiny SDXL's scheduler config uses it).
      if (scheduler === 'ddim' && pipe.folder.scheduler.timestep_spacing === 'linspace') continue
      await bench(pipe, scheduler, scheduler, STEPS, 7.5, size)
    }
    await bench(pipe, 'turbo-style euler', 'euler', 1, 0, size)
    await pipe.dispose()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
