// From a classifier choice to a classifier: the built-in world classifier, the built-in photo classifier,
// or a mapping file (any ONNX classifier, or an edited copy of a photo-classifier mapping). `resolveClassifier`
// checks the files and reads the id and version without loading a model (what a job stores in its plan and
// lineage); `openClassifier` loads the runner the mapping is for. The classification job, the acquisition,
// reports and the headless audit all go through these two, so every choice is refused with the same words.
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { ClassifierChoice } from '@shared/contract'
import { ApiFailure } from '../errors/api-failure'
import { MAX_MAPPING_BYTES, MAX_MODEL_BYTES, ownerFile, readOwnerFile } from '../fs/owner-file'
import { FileRefusedError } from '../fs/read-regular'
import type { ImageClassifier } from './classifier'
import { checkAgainstTaxonomy, MappingError, type HeadSpec } from './mapping-file'
import { mappingModelFile } from './model-files'
import { OnnxAttributeClassifier } from './onnx-classifier'
import { identityOf, parseAnyMapping } from './photo/any-mapping'
import { HumanPhotoClassifier } from './photo/human-classifier'
import { WORLD_CLASSIFIER_MAPPING, worldClassifierDir } from './world-classifier'

export type { ClassifierChoice }

/** The built-in photo classifier's mapping (GEAR), in the resources folder beside the world classifier's. */
export const PHOTO_CLASSIFIER_MAPPING = 'human-gear.mapping.json'

export function photoClassifierMapping(resourcesDir: string): string {
  return resolve(resourcesDir, 'photo-classifier', PHOTO_CLASSIFIER_MAPPING)
}

/** Where the model and mapping files are; `modelPath` overrides the mapping's own model path. */
export interface ClassifierFiles {
  mappingPath: string
  modelPath: string | null
}

export interface ResolvedClassifier {
  files: ClassifierFiles
  kind: 'onnx' | 'photo'
  id: string
  version: string
  heads: HeadSpec[]
}

/** The mapping (and model override) a choice stands for; `resourcesDir` holds the built-in classifiers. */
export function classifierFiles(choice: ClassifierChoice, resourcesDir: string): ClassifierFiles {
  if (choice === 'builtin') return { mappingPath: join(worldClassifierDir(resourcesDir), WORLD_CLASSIFIER_MAPPING), modelPath: null }
  if (choice === 'photo') return { mappingPath: photoClassifierMapping(resourcesDir), modelPath: null }
  if (!isAbsolute(choice.mappingPath)) fail(`the classifier mapping path must be absolute: ${choice.mappingPath.slice(0, 200)}`)
  if (choice.onnxPath !== undefined && !isAbsolute(choice.onnxPath)) fail(`the classifier ONNX path must be absolute: ${choice.onnxPath.slice(0, 200)}`)
  return { mappingPath: choice.mappingPath, modelPath: choice.onnxPath ?? null }
}

/**
 * Checks a choice's files (regular files of a bounded size, the model inside the mapping's folder) and
 * the mapping against the project's axes, and reads its id and version, without loading a model.
 * Refusals are ApiFailure('bad_request') in the user's words.
 */
export function resolveClassifier(choice: ClassifierChoice, axes: readonly { name: string; classes: readonly string[] }[], resourcesDir: string): ResolvedClassifier {
  const files = classifierFiles(choice, resourcesDir)
  const { mappingPath, modelPath } = files
  if (!existsSync(mappingPath)) fail(`classifier mapping file not found: ${mappingPath}`)
  if (statSync(mappingPath).isDirectory()) fail(`classifier mapping ${mappingPath} is a folder; give the mapping JSON file`)
  try {
    // Regular files of a bounded size only: /dev/zero or a FIFO as a mapping or model is refused, not read.
    const any = parseAnyMapping(readOwnerFile(mappingPath, 'classifier mapping', MAX_MAPPING_BYTES).toString('utf8'), `classifier mapping ${mappingPath}`)
    checkAgainstTaxonomy(any.spec, axes)
    if (any.kind === 'photo') {
      // The photo classifier's models are Human's own and, for GEAR, a file beside the mapping.
      if (modelPath !== null) throw new MappingError(`classifier ${any.spec.id} is a photo classifier: it takes no ONNX model file`)
      if (any.spec.gearModel) mappingModelFile(mappingPath, any.spec.gearModel, 'model')
    } else {
      if (modelPath === null) mappingModelFile(mappingPath, any.spec.model, 'model')
      else {
        if (!existsSync(modelPath)) fail(`classifier ONNX model file not found: ${modelPath}`)
        if (statSync(modelPath).isDirectory()) fail(`classifier ONNX model ${modelPath} is a folder; give the .onnx file`)
        ownerFile(modelPath, 'classifier model', MAX_MODEL_BYTES)
      }
      if (any.spec.detector) mappingModelFile(mappingPath, any.spec.detector.model, 'detector')
    }
    return { files, kind: any.kind, ...identityOf(any) }
  } catch (e) {
    if (e instanceof MappingError || e instanceof FileRefusedError) fail(e.message)
    throw e
  }
}

/** Loads the runner the mapping file is for: an ONNX model (the world classifier included), or the photo classifier. */
export async function openClassifierFiles(files: ClassifierFiles): Promise<ImageClassifier> {
  const text = readOwnerFile(files.mappingPath, 'classifier mapping', MAX_MAPPING_BYTES).toString('utf8')
  if (parseAnyMapping(text, `classifier mapping ${files.mappingPath}`).kind === 'photo') {
    if (files.modelPath !== null) throw new MappingError(`classifier mapping ${files.mappingPath} is a photo classifier's: it takes no ONNX model file`)
    return HumanPhotoClassifier.load(files.mappingPath)
  }
  return OnnxAttributeClassifier.load(files.mappingPath, files.modelPath ?? undefined)
}

/** Opens the classifier a choice stands for. */
export function openClassifier(choice: ClassifierChoice, resourcesDir: string): Promise<ImageClassifier> {
  return openClassifierFiles(classifierFiles(choice, resourcesDir))
}

function fail(message: string): never {
  throw new ApiFailure('bad_request', message)
}
