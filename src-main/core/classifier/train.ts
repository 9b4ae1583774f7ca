// Trains the built-in attribute classifier on balanced renders with tfjs (wasm backend with the
// engine's kernel shim, or a native binding when one is installed).
//
// Loss per example: CE(concept) + BCE(visible) + visible * (CE(silhouette) + CE(tone)). The attribute
// heads learn only from figures whose attributes can be seen; the astronaut and a few images with no
// figure at all (blank, flat colour, noise) teach the visible head.
// Training images get extra Gaussian pixel noise of a random strength, some blur and a small colour
// cast, so that the classifier also reads imperfect images such as a diffusion model's samples.

import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs'
import { Rng } from '../random/rng'
import { describeBackend, loadTf, type Tf } from '../engine/tf/backend'
import { CONCEPTS, SILHOUETTES, TONES } from '../world/taxonomy'
import { classifierParameters, initialWeights, inputSize, type ClassifierArchitecture, type ClassifierWeights, DEFAULT_ARCHITECTURE } from './model'
import { balancedRenders, NO_FIGURE, type LabelledRenders } from './training-data'

export interface TrainClassifierOptions {
  seed?: number
  trainImages?: number
  steps?: number
  batchSize?: number
  learningRate?: number
  /** Share of training images with no figure at all (blank, flat colour, noise), default 0.06. */
  nonFigureFraction?: number
  /** Largest extra pixel-noise std (in [-1, 1] units) used as augmentation. */
  maxAugmentNoise?: number
  architecture?: ClassifierArchitecture
  /** Called every `logEvery` steps with a line for the training log. */
  onLog?: (line: string) => void
  logEvery?: number
}

export interface TrainClassifierResult {
  weights: ClassifierWeights
  architecture: ClassifierArchitecture
  backend: string
  log: string[]
  seconds: number
  options: Required<Omit<TrainClassifierOptions, 'onLog' | 'architecture'>>
}

interface Batch {
  x: Float32Array
  concept: Float32Array
  visible: Float32Array
  silhouette: Float32Array
  tone: Float32Array
}

function oneHotInto(out: Float32Array, row: number, classes: number, index: number): void {
  out[row * classes + index] = 1
}

/** Mean of the 3x3 neighbourhood (clipped at the border) of HWC element k in an S x S image. */
function boxMean(img: Float32Array, S: number, k: number): number {
  const c = k % 3
  const p = (k - c) / 3
  const y = Math.floor(p / S)
  const x = p % S
  let sum = 0
  let n = 0
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy
      const xx = x + dx
      if (yy < 0 || yy >= S || xx < 0 || xx >= S) continue
      sum += img[(yy * S + xx) * 3 + c]
      n++
    }
  return sum / n
}

function makeBatch(data: LabelledRenders, rng: Rng, batchSize: number, maxNoise: number): Batch {
  const d = data.imageSize * data.imageSize * 3
  const b: Batch = {
    x: new Float32Array(batchSize * d),
    concept: new Float32Array(batchSize * CONCEPTS.length),
    visible: new Float32Array(batchSize),
    silhouette: new Float32Array(batchSize * SILHOUETTES.length),
    tone: new Float32Array(batchSize * TONES.length)
  }
  const S = data.imageSize
  for (let r = 0; r < batchSize; r++) {
    const i = rng.int(data.count)
    const sigma = maxNoise * rng.uniform()
    // Imperfections a diffusion sample shows: softness (a partial 3x3 blur) and a small colour cast.
    const blur = rng.uniform() < 0.3 ? 0.6 * rng.uniform() : 0
    const cast = [0.08 * (2 * rng.uniform() - 1), 0.08 * (2 * rng.uniform() - 1), 0.08 * (2 * rng.uniform() - 1)]
    const src = data.images.subarray(i * d, (i + 1) * d)
    for (let k = 0; k < d; k++) {
      let v = src[k]
      if (blur > 0) v = (1 - blur) * v + blur * boxMean(src, S, k)
      v += cast[k % 3] + sigma * rng.normal()
      b.x[r * d + k] = v < -1 ? -1 : v > 1 ? 1 : v
    }
    // A no-figure image has an all-zero concept row, so it adds nothing to the concept loss.
    if (data.concept[i] !== NO_FIGURE) oneHotInto(b.concept, r, CONCEPTS.length, data.concept[i])
    oneHotInto(b.silhouette, r, SILHOUETTES.length, data.silhouette[i])
    oneHotInto(b.tone, r, TONES.length, data.tone[i])
    b.visible[r] = data.visible[i]
  }
  return b
}

/** Builds the forward pass over tfjs variables; returns logits of every head and the features. */
function forward(tf: Tf, v: Record<string, Variable>, x: Tensor) {
  const h1 = tf.relu(tf.add(tf.matMul(x, v['trunk.w1']), v['trunk.b1']))
  const features = tf.relu(tf.add(tf.matMul(h1, v['trunk.w2']), v['trunk.b2']))
  const head = (name: string): Tensor => tf.add(tf.matMul(features, v[`${name}.w`]), v[`${name}.b`])
  return { features, concept: head('concept'), visible: head('visible'), silhouette: head('silhouette'), tone: head('tone') }
}

/** Per-example cross entropy between one-hot targets and logits, shape [B]. */
function crossEntropy(tf: Tf, oneHot: Tensor, logits: Tensor): Tensor {
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))
}

export async function trainWorldClassifier(options: TrainClassifierOptions = {}): Promise<TrainClassifierResult> {
  const opts = {
    seed: options.seed ?? 1,
    trainImages: options.trainImages ?? 30000,
    steps: options.steps ?? 3000,
    batchSize: options.batchSize ?? 128,
    learningRate: options.learningRate ?? 1e-3,
    maxAugmentNoise: options.maxAugmentNoise ?? 0.12,
    nonFigureFraction: options.nonFigureFraction ?? 0.06,
    logEvery: options.logEvery ?? 100
  }
  for (const [k, val] of Object.entries(opts)) {
    if (typeof val !== 'number' || !Number.isFinite(val) || (!['seed', 'maxAugmentNoise', 'nonFigureFraction'].includes(k) && val <= 0))
      throw new Error(`train classifier: ${k} must be a positive number, got ${String(val)}`)
  }
  const arch = options.architecture ?? DEFAULT_ARCHITECTURE
  const log: string[] = []
  const say = (line: string): void => {
    log.push(line)
    options.onLog?.(line)
  }
  const started = Date.now()
  const { tf, info } = await loadTf()
  const backend = describeBackend(info)
  say(`backend: ${backend}`)

  const data = balancedRenders(opts.trainImages, opts.seed, arch.imageSize, opts.nonFigureFraction)
  say(`rendered ${data.count} balanced training images in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  const init = initialWeights(arch, opts.seed)
  const vars: Record<string, Variable> = {}
  for (const p of classifierParameters(arch)) vars[p.name] = tf.variable(tf.tensor(init[p.name], p.shape), true)
  const optimizer = tf.train.adam(opts.learningRate)
  const rng = Rng.derive(opts.seed, 'classifier-batches')
  const d = inputSize(arch)

  let running = 0
  const weights: ClassifierWeights = {}
  try {
    for (let step = 1; step <= opts.steps; step++) {
      const b = makeBatch(data, rng, opts.batchSize, opts.maxAugmentNoise)
      const B = opts.batchSize
      // Cosine decay keeps the last steps small so the final weights do not depend on one noisy batch.
      ;(optimizer as unknown as { learningRate: number }).learningRate = opts.learningRate * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / opts.steps))
      const loss = tf.tidy((): Scalar => {
        const x = tf.tensor2d(b.x, [B, d])
        const yc = tf.tensor2d(b.concept, [B, CONCEPTS.length])
        const yv = tf.tensor2d(b.visible, [B, 1])
        const ys = tf.tensor2d(b.silhouette, [B, SILHOUETTES.length])
        const yt = tf.tensor2d(b.tone, [B, TONES.length])
        const mask = tf.tensor1d(b.visible)
        return optimizer.minimize(
          () => {
            const out = forward(tf, vars, x)
            const conceptLoss = crossEntropy(tf, yc, out.concept)
            const visibleLoss = tf.reshape(tf.losses.sigmoidCrossEntropy(yv, out.visible, undefined, undefined, tf.Reduction.NONE), [B])
            const attrLoss = tf.mul(mask, tf.add(crossEntropy(tf, ys, out.silhouette), crossEntropy(tf, yt, out.tone)))
            return tf.mean<Scalar>(tf.add(tf.add(conceptLoss, visibleLoss), attrLoss))
          },
          true,
          Object.values(vars)
        ) as Scalar
      })
      const value = (await loss.data())[0]
      loss.dispose()
      if (!Number.isFinite(value)) throw new Error(`train classifier: loss became ${value} at step ${step}; lower the learning rate`)
      running = step === 1 ? value : 0.95 * running + 0.05 * value
      if (step === 1 || step % opts.logEvery === 0 || step === opts.steps) say(`step ${step}/${opts.steps} loss ${value.toFixed(4)} (smoothed ${running.toFixed(4)})`)
    }

    for (const p of classifierParameters(arch)) weights[p.name] = new Float32Array(await vars[p.name].data())
  } finally {
    // Unnamed variables and this cleanup let several trainings share one tfjs engine (tests, retries).
    for (const v of Object.values(vars)) v.dispose()
    optimizer.dispose()
  }
  const seconds = (Date.now() - started) / 1000
  say(`trained in ${seconds.toFixed(1)} s`)
  return { weights, architecture: arch, backend, log, seconds, options: opts }
}
