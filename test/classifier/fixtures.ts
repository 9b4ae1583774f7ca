// Test fixtures for the classification job: a small "foreign" ONNX classifier in the style of a
// DeepFace/FairFace export (NCHW, mean/std normalisation, raw logits, its own labels mapped onto the
// project's classes, a detection logit), built with the engine's GraphBuilder, and PNG writers.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { GraphBuilder } from '../../src-main/core/engine/onnx/graph'

/**
 * Per-channel means m = (R, G, B) in [-1, 1] (after (x/255 - 0.5) / 0.5), then:
 *   gender logits [Man, Woman] = 10 * (B - R, R - B)        -> red is Woman, blue is Man, grey is 50/50
 *   race logits [East Asian, Southeast Asian, White] = 5 * (G, G, -G) -> green-ish is "asian" only when summed
 *   face logit = 10 * (R + G + B) + 25                        -> black is not detected
 */
export function foreignClassifierOnnx(): Uint8Array {
  const g = new GraphBuilder('foreign')
  const x = g.input('pixels', ['N', 3, 8, 8])
  const m = g.op('ReduceMean', [x], { axes: [2, 3], keepdims: 0 })
  g.output(g.matmul(m, g.weight('gender.w', Float32Array.from([-10, 10, 0, 0, 10, -10]), [3, 2])), 'gender_logits', ['N', 2])
  g.output(g.matmul(m, g.weight('race.w', Float32Array.from([0, 0, 0, 5, 5, -5, 0, 0, 0]), [3, 3])), 'race_logits', ['N', 3])
  g.output(g.linear(m, g.weight('face.w', Float32Array.from([10, 10, 10]), [3, 1]), g.weight('face.b', Float32Array.from([25]), [1])), 'face_logit', ['N', 1])
  return g.toBytes()
}

export const foreignMapping = {
  formatVersion: 2,
  id: 'foreign-face',
  version: '0.0.89-test',
  model: 'foreign.onnx',
  input: { name: 'pixels', width: 8, height: 8, layout: 'NCHW', normalize: { kind: 'meanStd', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }, resize: 'bilinear' },
  detection: { output: 'face_logit', activation: 'sigmoid', threshold: 0.5 },
  heads: [
    { axis: 'gender', output: 'gender_logits', activation: 'softmax', labels: ['Man', 'Woman'], map: { Man: 'male', Woman: 'female' } },
    { axis: 'race', output: 'race_logits', activation: 'softmax', labels: ['East Asian', 'Southeast Asian', 'White'], map: { 'East Asian': 'asian', 'Southeast Asian': 'asian', White: 'white' } }
  ],
  confidenceThreshold: 0.7
}

/** Writes foreign.onnx and foreign.mapping.json into `dir`; returns the mapping path. */
export function writeForeignClassifier(dir: string, mapping: object = foreignMapping): string {
  writeFileSync(join(dir, 'foreign.onnx'), foreignClassifierOnnx())
  const path = join(dir, 'foreign.mapping.json')
  writeFileSync(path, JSON.stringify(mapping))
  return path
}

export async function solidPng(path: string, rgb: [number, number, number], size = 32): Promise<string> {
  await sharp({ create: { width: size, height: size, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toFile(path)
  return path
}
