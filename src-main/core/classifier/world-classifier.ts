// The built-in world's classifier as shipped in resources/classifier/: its identity, its mapping, where
// the files live, and a one-call `classifyImages` for engine code that has HWC [-1, 1] renders/samples.

import { resolve } from 'node:path'
import { CONCEPTS, SILHOUETTES, TONES, AXIS_A, AXIS_B } from '../world/taxonomy'
import { FEATURES_OUTPUT, INPUT_NAME } from './export-onnx'
import type { Classification } from './classifier'
import type { ClassifierMapping } from './mapping'
import type { ClassifierArchitecture } from './model'
import { OnnxAttributeClassifier } from './onnx-classifier'

export const WORLD_CLASSIFIER_ID = 'popalign-world-classifier'
/** Bump when the architecture, the training recipe or the renderer changes. */
export const WORLD_CLASSIFIER_VERSION = '1.1.0'
export const WORLD_CLASSIFIER_ONNX = 'world-classifier.onnx'
export const WORLD_CLASSIFIER_MAPPING = 'world-classifier.mapping.json'
export const WORLD_CLASSIFIER_LOG = 'world-classifier.training-log.json'

export function worldClassifierMapping(arch: ClassifierArchitecture): ClassifierMapping {
  return {
    formatVersion: 1,
    id: WORLD_CLASSIFIER_ID,
    version: WORLD_CLASSIFIER_VERSION,
    model: WORLD_CLASSIFIER_ONNX,
    input: { name: INPUT_NAME, width: arch.imageSize, height: arch.imageSize, channels: 3, layout: 'NHWC', range: [-1, 1], resize: 'area' },
    detection: { output: 'visible', threshold: 0.5 },
    concept: { output: 'concept', classes: [...CONCEPTS] },
    axes: [
      { name: AXIS_A.name, output: 'silhouette', classes: [...SILHOUETTES] },
      { name: AXIS_B.name, output: 'tone', classes: [...TONES] }
    ],
    features: { output: FEATURES_OUTPUT, size: arch.features },
    confidenceThreshold: 0.6
  }
}

/** Folder holding the shipped classifier in the resources folder the entry point chose. */
export function worldClassifierDir(resourcesDir: string): string {
  return resolve(resourcesDir, 'classifier')
}

/** Opens the shipped classifier from `dir` (the caller disposes it). */
export function openWorldClassifier(dir: string): Promise<OnnxAttributeClassifier> {
  return OnnxAttributeClassifier.load(resolve(dir, WORLD_CLASSIFIER_MAPPING))
}

const loaded = new Map<string, Promise<OnnxAttributeClassifier>>()

/** The shipped classifier from `dir`, loaded once per process and kept (a failed load is retried next time); never disposed by callers. */
export function loadWorldClassifier(dir: string): Promise<OnnxAttributeClassifier> {
  const key = resolve(dir)
  let pending = loaded.get(key)
  if (!pending) {
    pending = openWorldClassifier(key)
    loaded.set(key, pending)
    pending.catch(() => loaded.delete(key))
  }
  return pending
}

/** Classifies `n` HWC [-1, 1] images of the world with the shipped classifier in `dir` (worldClassifierDir). */
export async function classifyImages(dir: string, images: Float32Array, n: number): Promise<Classification[]> {
  return (await loadWorldClassifier(dir)).classify(images, n)
}
