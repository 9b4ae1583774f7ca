// Trains the built-in world's attribute classifier, exports it to ONNX and writes, into
// resources/classifier/ (or --out): the model, its mapping and a training log with held-out accuracy.
//
//   npx tsx src-main/cli/train-classifier.ts [--out DIR] [--seed 1] [--steps 3000] [--train-images 30000]

import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { writeFileAtomic } from '../core/fs/atomic-write'
import { exportClassifierOnnx } from '../core/classifier/export-onnx'
import { evaluateOnRenders } from '../core/classifier/evaluate'
import { OnnxAttributeClassifier } from '../core/classifier/onnx-classifier'
import { trainWorldClassifier } from '../core/classifier/train'
import { WORLD_CLASSIFIER_ID, WORLD_CLASSIFIER_LOG, WORLD_CLASSIFIER_MAPPING, WORLD_CLASSIFIER_ONNX, WORLD_CLASSIFIER_VERSION, worldClassifierMapping } from '../core/classifier/world-classifier'
import { parseFlags } from './flags'

const HELD_OUT_SEED = 424242
const HELD_OUT_IMAGES = 4000

const FLAGS = ['out', 'seed', 'steps', 'train-images'] as const

function parseArgs(argv: string[]): Partial<Record<(typeof FLAGS)[number], string>> {
  return parseFlags(argv, { values: FLAGS }, 'usage: train-classifier [--out DIR] [--seed N] [--steps N] [--train-images N]')
}

function intFlag(args: Record<string, string>, name: string, fallback: number): number {
  if (args[name] === undefined) return fallback
  const v = Number(args[name])
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer, got "${args[name]}"`)
  return v
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const outDir = resolve(args.out ?? 'resources/classifier')
  const seed = intFlag(args, 'seed', 1)
  const steps = intFlag(args, 'steps', 3000)
  const trainImages = intFlag(args, 'train-images', 30000)
  await mkdir(outDir, { recursive: true })

  const trained = await trainWorldClassifier({ seed, steps, trainImages, onLog: (l) => console.log(l) })
  const mapping = worldClassifierMapping(trained.architecture)
  const onnx = exportClassifierOnnx(trained.architecture, trained.weights, { id: WORLD_CLASSIFIER_ID, version: WORLD_CLASSIFIER_VERSION })
  await writeFileAtomic(resolve(outDir, WORLD_CLASSIFIER_ONNX), onnx)
  await writeFileAtomic(resolve(outDir, WORLD_CLASSIFIER_MAPPING), JSON.stringify(mapping, null, 2) + '\n')

  // Held-out check through onnxruntime on renders the training never saw (a different seed stream).
  const classifier = await OnnxAttributeClassifier.load(resolve(outDir, WORLD_CLASSIFIER_MAPPING))
  const heldOut = await evaluateOnRenders(classifier, HELD_OUT_IMAGES, HELD_OUT_SEED)
  await classifier.dispose()
  console.log(`held-out (${HELD_OUT_IMAGES} renders, seed ${HELD_OUT_SEED}): ${JSON.stringify(heldOut)}`)

  const log = {
    id: WORLD_CLASSIFIER_ID,
    version: WORLD_CLASSIFIER_VERSION,
    command: `npx tsx src-main/cli/train-classifier.ts --seed ${seed} --steps ${steps} --train-images ${trainImages}`,
    backend: trained.backend,
    architecture: trained.architecture,
    options: trained.options,
    seconds: Math.round(trained.seconds),
    onnxBytes: onnx.length,
    heldOut: { seed: HELD_OUT_SEED, ...heldOut },
    log: trained.log
  }
  await writeFileAtomic(resolve(outDir, WORLD_CLASSIFIER_LOG), JSON.stringify(log, null, 2) + '\n')
  const worst = Math.min(heldOut.conceptAccuracy, heldOut.silhouetteAccuracy, heldOut.toneAccuracy, heldOut.hiddenNoDetection, heldOut.nonFigureNoDetection)
  if (worst < 0.98) {
    console.error(`held-out accuracy ${worst.toFixed(4)} is below the 0.98 target`)
    process.exitCode = 2
  }
  console.log(`wrote ${outDir}/{${WORLD_CLASSIFIER_ONNX}, ${WORLD_CLASSIFIER_MAPPING}, ${WORLD_CLASSIFIER_LOG}}`)
}

main().catch((e: unknown) => {
  console.error(`train-classifier: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
