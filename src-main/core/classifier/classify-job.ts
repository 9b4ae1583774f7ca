// Classification as a resumable background job. The plan (which classifier, which images: those of the
// project or prompt that existed at start) is the job's payload; the work list is "images in scope
// without a verdict of this classifier version", so the table itself is the ledger: each batch of
// verdicts is committed in one transaction, and a restarted job simply continues with what is missing.
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { Job } from '@shared/contract'
import { ApiFailure } from '../errors/api-failure'
import { worldClassifierDir, WORLD_CLASSIFIER_MAPPING } from './world-classifier'
import type { Workspace } from '../store/workspace'
import { MAX_MAPPING_BYTES, MAX_MODEL_BYTES, ownerFile, readOwnerFile } from '../fs/owner-file'
import { FileRefusedError } from '../fs/read-regular'
import type { JobContext, JobRunner } from '../jobs/runner'
import { HumanPhotoClassifier } from './photo/human-classifier'
import { identityOf, parseAnyMapping, photoClassifierMapping, type ClassifierIdentity } from './photo/any-mapping'
import { OnnxAttributeClassifier, type ImageClassifier, type Verdict } from './onnx-classifier'
import { checkAgainstTaxonomy, MappingError } from './mapping-file'
import { mappingModelFile } from './model-files'
import { pairAgreement, projectVerdicts, type PairAgreement } from './pair-agreement'
import { classifyStore, type ClassifierKey, type ClassifierSummary, type ClassifyStore, type StatusCounts } from './verdict-store'

export type ClassifierChoice = 'builtin' | 'photo' | { onnxPath?: string; mappingPath: string }

/** Where the model and mapping files are; `model` overrides the mapping's own model path. */
export interface ClassifierFiles {
  mappingPath: string
  modelPath: string | null
}

export interface ClassifyPayload {
  files: ClassifierFiles
  classifierId: string
  classifierVersion: string
  promptId: number | null
  maxImageId: number
}

export interface ClassifyServiceDeps {
  ws: Pick<Workspace, 'db' | 'axes' | 'projects' | 'prompts'>
  runner: JobRunner
  /** Folder of the shipped classifier (default: resources/classifier). */
  builtinDir?: string
  /** Images per ONNX run and per committed transaction. */
  batchSize?: number
}

export interface ClassifyService {
  start(projectId: number, opts: { promptId?: number; classifier?: ClassifierChoice }): Job
  summary(projectId: number): ClassifierSummary[]
  /** Resolves a choice to files and a validated spec (also used by the acquisition job). */
  resolveClassifier(projectId: number, choice: ClassifierChoice | undefined): { files: ClassifierFiles; spec: ClassifierIdentity }
  /**
   * Classifies these images now (no job) with the classifier named `classifierId` (the built-in one
   * when null or its id; otherwise the files of the newest classification job that used that id),
   * so a freshly sampled image can be judged the moment it exists.
   */
  classifyImages(projectId: number, classifierId: string | null, imageIds: readonly number[]): Promise<void>
  /** How two classifiers that both ran on the project's images agree (pair-agreement.ts). */
  agreement(projectId: number, a: ClassifierKey, b: ClassifierKey): PairAgreement
}

export function createClassifyService(deps: ClassifyServiceDeps): ClassifyService {
  const store = classifyStore(deps.ws.db)
  const batchSize = deps.batchSize ?? 64

  function resolveClassifier(projectId: number, choice: ClassifierChoice | undefined): { files: ClassifierFiles; spec: ClassifierIdentity } {
    const c = choice ?? 'builtin'
    const files: ClassifierFiles =
      c === 'builtin'
        ? { mappingPath: join(deps.builtinDir ?? worldClassifierDir(), WORLD_CLASSIFIER_MAPPING), modelPath: null }
        : c === 'photo'
          ? { mappingPath: photoClassifierMapping(), modelPath: null }
          : { mappingPath: c.mappingPath, modelPath: c.onnxPath ?? null }
    for (const p of [files.mappingPath, files.modelPath]) {
      if (p !== null && !isAbsolute(p)) throw new ApiFailure('bad_request', `classifier files must be absolute paths: ${p.slice(0, 200)}`)
    }
    try {
      // Regular files of a bounded size only: /dev/zero or a FIFO as a mapping or model is refused here.
      const text = readOwnerFile(files.mappingPath, 'classifier mapping', MAX_MAPPING_BYTES).toString('utf8')
      const any = parseAnyMapping(text, `classifier mapping ${files.mappingPath}`)
      checkAgainstTaxonomy(any.spec, deps.ws.axes.list(projectId))
      if (any.kind === 'photo') {
        // The photo classifier's models are Human's own and, for GEAR, a file beside the mapping.
        if (files.modelPath !== null) throw new MappingError(`classifier ${any.spec.id} is a photo classifier: it takes no ONNX model file`)
        if (any.spec.gearModel) mappingModelFile(files.mappingPath, any.spec.gearModel, 'model')
        return { files, spec: identityOf(any) }
      }
      const spec = any.spec
      if (files.modelPath === null) mappingModelFile(files.mappingPath, spec.model, 'model')
      else if (!existsSync(files.modelPath)) throw new MappingError(`classifier model file not found: ${files.modelPath}`)
      else ownerFile(files.modelPath, 'classifier model', MAX_MODEL_BYTES)
      if (spec.detector) mappingModelFile(files.mappingPath, spec.detector.model, 'detector')
      return { files, spec: identityOf(any) }
    } catch (e) {
      if (e instanceof MappingError || e instanceof FileRefusedError) throw new ApiFailure('bad_request', e.message)
      throw e
    }
  }

  async function run(ctx: JobContext): Promise<{ message: string }> {
    const p = parsePayload(ctx.payload)
    const projectId = ctx.projectId
    if (projectId === null) throw new Error('classification job has no project')
    const key = { id: p.classifierId, version: p.classifierVersion }
    const scope = { projectId, promptId: p.promptId, maxImageId: p.maxImageId }
    const total = store.total(scope)
    ctx.progress({ done: total - store.pendingCount(scope, key), total, message: `classifying ${total} images with ${key.id} ${key.version}` })
    const classifier = await loadClassifier(p.files)
    if (classifier.id !== key.id || classifier.version !== key.version) {
      await classifier.dispose()
      throw new Error(`the classifier files now hold ${classifier.id} ${classifier.version}, but this job was started for ${key.id} ${key.version}; start a new job`)
    }
    try {
      await classifyPending(
        classifier,
        store,
        (limit) => store.pending(scope, key, limit),
        batchSize,
        ctx.signal,
        () => {
          const done = total - store.pendingCount(scope, key)
          ctx.progress({ done, total, message: `classified ${done} of ${total} images` })
        }
      )
    } finally {
      await classifier.dispose()
    }
    return { message: describeCounts(store.counts(scope, key)) }
  }

  deps.runner.register('classify', run)

  const filePath = deps.ws.db.prepare<[number], string>('SELECT file_path FROM images WHERE id = ?').pluck()
  const classifyJobs = deps.ws.db.prepare<[number], string>("SELECT payload FROM jobs WHERE kind = 'classify' AND project_id = ? ORDER BY id DESC").pluck()

  /** The files of the classifier called `classifierId` in this project, or what says why there are none. */
  function filesOf(projectId: number, classifierId: string | null): ClassifierFiles {
    if (classifierId !== null) {
      for (const raw of classifyJobs.all(projectId)) {
        const p = parsePayload(JSON.parse(raw))
        if (p.classifierId === classifierId) return p.files
      }
    }
    const builtin = resolveClassifier(projectId, 'builtin')
    if (classifierId === null || classifierId === builtin.spec.id) return builtin.files
    throw new ApiFailure('bad_request', `no classifier called "${classifierId}" has been run in project ${projectId}; run it on the Preference data screen first`)
  }

  async function classifyImages(projectId: number, classifierId: string | null, imageIds: readonly number[]): Promise<void> {
    const targets = imageIds.map((id) => ({ id, path: filePath.get(id) })).filter((t): t is { id: number; path: string } => t.path !== undefined)
    if (targets.length === 0) return
    const classifier = await loadClassifier(filesOf(projectId, classifierId))
    try {
      await classifyPending(
        classifier,
        store,
        (limit) => targets.splice(0, limit),
        batchSize,
        new AbortController().signal,
        () => {}
      )
    } finally {
      await classifier.dispose()
    }
  }

  return {
    resolveClassifier,
    classifyImages,
    start(projectId, opts) {
      if (!deps.ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      const promptId = opts.promptId ?? null
      if (promptId !== null) {
        const prompt = deps.ws.prompts.get(promptId)
        if (!prompt || prompt.projectId !== projectId) throw new ApiFailure('not_found', `prompt ${promptId} does not exist in project ${projectId}`)
      }
      const { files, spec } = resolveClassifier(projectId, opts.classifier)
      const payload: ClassifyPayload = { files, classifierId: spec.id, classifierVersion: spec.version, promptId, maxImageId: store.maxImageId(projectId, promptId) }
      const total = store.total({ projectId, promptId, maxImageId: payload.maxImageId })
      return deps.runner.start('classify', { projectId, payload, total, message: `queued: ${total} images for ${spec.id} ${spec.version}` })
    },
    agreement(projectId, a, b) {
      if (!deps.ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      return pairAgreement(projectVerdicts(deps.ws.db, projectId, a), projectVerdicts(deps.ws.db, projectId, b))
    },
    summary: (projectId) => {
      if (!deps.ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      return store.summary(projectId)
    }
  }
}

/** Loads the runner the mapping file is for: an ONNX model, or the built-in photo classifier. */
export async function loadClassifier(files: ClassifierFiles): Promise<ImageClassifier> {
  const text = readOwnerFile(files.mappingPath, 'classifier mapping', MAX_MAPPING_BYTES).toString('utf8')
  if (parseAnyMapping(text, `classifier mapping ${files.mappingPath}`).kind === 'photo') return HumanPhotoClassifier.load(files.mappingPath)
  return OnnxAttributeClassifier.load(files.mappingPath, files.modelPath ?? undefined)
}

/**
 * Classifies, a batch at a time, the images `next` hands out (those still without a verdict of this
 * classifier version), committing each batch at once. Stops between batches when `signal` aborts.
 * Shared with the acquisition job, whose `next` lists only its own images.
 */
export async function classifyPending(
  classifier: ImageClassifier,
  store: ClassifyStore,
  next: (limit: number) => { id: number; path: string }[],
  batchSize: number,
  signal: AbortSignal,
  onBatch: () => void
): Promise<void> {
  const key = { id: classifier.id, version: classifier.version }
  while (!signal.aborted) {
    const batch = next(batchSize)
    if (batch.length === 0) return
    const verdicts: Verdict[] = await classifier.classifyFiles(batch.map((b) => b.path))
    if (signal.aborted) return
    store.write(
      key,
      batch.map((b, i) => ({ imageId: b.id, verdict: verdicts[i] }))
    )
    onBatch()
  }
}

export function describeCounts(c: StatusCounts): string {
  return `${c.ok} ok, ${c.no_detection} no detection, ${c.low_confidence} low confidence, ${c.error} error`
}

function parsePayload(raw: unknown): ClassifyPayload {
  const p = raw as Partial<ClassifyPayload> | null
  if (!p || typeof p.files?.mappingPath !== 'string' || typeof p.classifierId !== 'string' || typeof p.classifierVersion !== 'string' || typeof p.maxImageId !== 'number') {
    throw new Error('classification job payload is damaged')
  }
  return {
    files: { mappingPath: p.files.mappingPath, modelPath: p.files.modelPath ?? null },
    classifierId: p.classifierId,
    classifierVersion: p.classifierVersion,
    promptId: p.promptId ?? null,
    maxImageId: p.maxImageId
  }
}
