// The built-in world's classifier as shipped in resources/classifier/: its identity, its mapping, where
// the files live, and a one-call `classifyImages` for engine code that has HWC [-1, 1] renders/samples.

import { resolve } from 'node:path'
import { defaultResourcesDir } from '../resources'
import { CONCEPTS, SILHOUETTES, TONES, AXIS_A, AXIS_B } from '../world/taxonomy'
import { FEATURES_OUTPUT, INPUT_NAME } from './export-onnx'
import type { ClassifierMapping } from './mapping'
import type { ClassifierArchitecture } from './model'
import { AttributeClassifier, type Classification } from './runner'

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

/**
 * Folder holding the shipped classifier: $POPALIGN_RESOURCES/classifier when set (the packaged app
 * points it at its resources), else resources/classifier under the working directory (repo checkouts).
 */
export function worldClassifierDir(resourcesDir: string = defaultResourcesDir()): string {
  return resolve(resourcesDir, 'classifier')
}

const loaded = new Map<string, Promise<AttributeClassifier>>()

/** Loads the shipped classifier from `dir` once per process (a failed load is retried next time). */
export function loadWorldClassifier(dir: string = worldClassifierDir()): Promise<AttributeClassifier> {
  const key = resolve(dir)
  let pending = loaded.get(key)
  if (!pending) {
    pending = AttributeClassifier.load(resolve(key, WORLD_CLASSIFIER_MAPPING))
    loaded.set(key, pending)
    pending.catch(() => loaded.delete(key))
  }
  return pending
}

/** Classifies `n` HWC [-1, 1] images of the world with the shipped classifier. */
export async function classifyImages(images: Float32Array, n: number): Promise<Classification[]> {
  return (await loadWorldClassifier()).classify(images, n)
}
