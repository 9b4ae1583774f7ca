// The built-in attribute classifier's architecture: a small MLP over the flattened 16x16x3 pixels with
// one shared trunk and four heads. Written down once here so training (tfjs) and export (ONNX) agree on
// parameter names, shapes and the computation:
//
//   x = reshape(image [N, S, S, 3] in [-1, 1], [N, S*S*3])
//   h1 = ReLU(x @ trunk.w1 + trunk.b1);  features = ReLU(h1 @ trunk.w2 + trunk.b2)
//   concept    = softmax(features @ concept.w + concept.b)        (every concept, hidden one included)
//   visible    = sigmoid(features @ visible.w + visible.b)        (P(the figure's attributes can be seen))
//   silhouette = softmax(features @ silhouette.w + silhouette.b)  (axis A)
//   tone       = softmax(features @ tone.w + tone.b)              (axis B)
//
// The separate "visible" head is what lets the astronaut come out as no_detection instead of a guess,
// like a face detector that finds no face in a helmet.

import { Rng } from '../random/rng'
import { CONCEPTS, SILHOUETTES, TONES } from '../world/taxonomy'

export interface ClassifierArchitecture {
  imageSize: number
  channels: number
  hidden: number
  features: number
}

export const DEFAULT_ARCHITECTURE: ClassifierArchitecture = { imageSize: 16, channels: 3, hidden: 256, features: 128 }

/** Output heads in the order the ONNX graph declares them, with their class counts. */
export const HEADS = [
  { name: 'concept', size: CONCEPTS.length, activation: 'softmax' },
  { name: 'visible', size: 1, activation: 'sigmoid' },
  { name: 'silhouette', size: SILHOUETTES.length, activation: 'softmax' },
  { name: 'tone', size: TONES.length, activation: 'softmax' }
] as const

export type HeadName = (typeof HEADS)[number]['name']

export interface ParamShape {
  name: string
  shape: [number] | [number, number]
}

export function inputSize(a: ClassifierArchitecture): number {
  return a.imageSize * a.imageSize * a.channels
}

export function classifierParameters(a: ClassifierArchitecture): ParamShape[] {
  const specs: ParamShape[] = [
    { name: 'trunk.w1', shape: [inputSize(a), a.hidden] },
    { name: 'trunk.b1', shape: [a.hidden] },
    { name: 'trunk.w2', shape: [a.hidden, a.features] },
    { name: 'trunk.b2', shape: [a.features] }
  ]
  for (const h of HEADS) specs.push({ name: `${h.name}.w`, shape: [a.features, h.size] }, { name: `${h.name}.b`, shape: [h.size] })
  return specs
}

export type ClassifierWeights = Record<string, Float32Array>

/** He-normal weights for the ReLU trunk, small weights for the heads, zero biases. */
export function initialWeights(a: ClassifierArchitecture, seed: number): ClassifierWeights {
  const rng = Rng.derive(seed, 'classifier-init')
  const out: ClassifierWeights = {}
  for (const p of classifierParameters(a)) {
    const n = p.shape.reduce((x, y) => x * y, 1)
    const values = new Float32Array(n)
    if (p.shape.length === 2) {
      const std = p.name.startsWith('trunk.') ? Math.sqrt(2 / p.shape[0]) : Math.sqrt(1 / p.shape[0])
      for (let i = 0; i < n; i++) values[i] = std * rng.normal()
    }
    out[p.name] = values
  }
  return out
}

/** Throws naming the first missing or mis-sized tensor. */
export function validateWeights(a: ClassifierArchitecture, w: ClassifierWeights): void {
  for (const p of classifierParameters(a)) {
    const n = p.shape.reduce((x, y) => x * y, 1)
    const v = w[p.name]
    if (!(v instanceof Float32Array)) throw new Error(`classifier weights: "${p.name}" is missing`)
    if (v.length !== n) throw new Error(`classifier weights: "${p.name}" has ${v.length} values, shape [${p.shape.join(', ')}] needs ${n}`)
  }
}
