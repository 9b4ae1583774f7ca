// Exports the trained classifier to ONNX with the engine's GraphBuilder (weights as initializers,
// symbolic batch). The graph takes NHWC images in [-1, 1] and returns every head's probabilities and
// the penultimate features, under the output names the mapping file refers to.

import { GraphBuilder } from '../engine/onnx/graph'
import { classifierParameters, HEADS, inputSize, validateWeights, type ClassifierArchitecture, type ClassifierWeights } from './model'

export const INPUT_NAME = 'image'
export const FEATURES_OUTPUT = 'features'

export function exportClassifierOnnx(arch: ClassifierArchitecture, weights: ClassifierWeights, metadata: Record<string, string> = {}): Uint8Array {
  validateWeights(arch, weights)
  const g = new GraphBuilder('world_classifier')
  const w: Record<string, string> = {}
  for (const p of classifierParameters(arch)) w[p.name] = g.weight(p.name, weights[p.name], p.shape)

  const image = g.input(INPUT_NAME, ['N', arch.imageSize, arch.imageSize, arch.channels])
  const x = g.reshape(image, [-1, inputSize(arch)])
  const h1 = g.relu(g.linear(x, w['trunk.w1'], w['trunk.b1']))
  const features = g.relu(g.linear(h1, w['trunk.w2'], w['trunk.b2']))
  g.output(features, FEATURES_OUTPUT, ['N', arch.features])
  for (const head of HEADS) {
    const logits = g.linear(features, w[`${head.name}.w`], w[`${head.name}.b`])
    const probs = head.activation === 'softmax' ? g.softmax(logits, -1) : g.sigmoid(logits)
    g.output(probs, head.name, ['N', head.size])
  }
  return g.toBytes({ producerVersion: 'popalign-studio', docString: 'Synthetic Population attribute classifier', metadata })
}
