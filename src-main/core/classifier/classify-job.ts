// Classification as a resumable background job. The plan (which classifier, which images: those of the
// project or prompt that existed at start) is the job's payload; the work list is "images in scope
// without a verdict of this classifier version", so the table itself is the ledger: each batch of
// verdicts is committed in one transaction, and a restarted job simply continues with what is missing.
import type { Job } from '@shared/contract'
import { ApiFailure } from '../errors/api-failure'
import type { Workspace } from '../store/workspace'
import type { JobContext, JobRunner } from '../jobs/runner'
import { keyOf, type ClassifierKey, type ImageClassifier } from './classifier'
import { openClassifierFiles, resolveClassifier, type ClassifierChoice, type ClassifierFiles, type ResolvedClassifier } from './open'
import { pairAgreement, type PairAgreement } from './pair-agreement'
import { classifyStore, toVerdict, type ClassifierSummary, type ClassifyStore, type StatusCounts } from './verdict-store'

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
  /** The resources folder holding the built-in classifiers (StudioConfig.resourcesDir). */
  resourcesDir: string
  /** Images per ONNX run and per committed transaction. */
  batchSize?: number
}

export interface ClassifyService {
  start(projectId: number, opts: { promptId?: number; classifier?: ClassifierChoice }): Job
  summary(projectId: number): ClassifierSummary[]
  /** Resolves a choice to files and a validated id and version, checked against the project's axes (also used by the acquisition job). */
  resolveClassifier(projectId: number, choice: ClassifierChoice | undefined): ResolvedClassifier
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

  const resolve = (projectId: number, choice: ClassifierChoice | undefined): ResolvedClassifier => resolveClassifier(choice ?? 'builtin', deps.ws.axes.list(projectId), deps.resourcesDir)

  async function run(ctx: JobContext): Promise<{ message: string }> {
    const p = parsePayload(ctx.payload)
    const projectId = ctx.projectId
    if (projectId === null) throw new Error('classification job has no project')
    const key = { id: p.classifierId, version: p.classifierVersion }
    const scope = { projectId, promptId: p.promptId, maxImageId: p.maxImageId }
    const total = store.total(scope)
    ctx.progress({ done: total - store.pendingCount(scope, key), total, message: `classifying ${total} images with ${key.id} ${key.version}` })
    const classifier = await openClassifierFiles(p.files)
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
    const builtin = resolve(projectId, 'builtin')
    if (classifierId === null || classifierId === builtin.id) return builtin.files
    throw new ApiFailure('bad_request', `no classifier called "${classifierId}" has been run in project ${projectId}; run it on the Preference data screen first`)
  }

  async function classifyImages(projectId: number, classifierId: string | null, imageIds: readonly number[]): Promise<void> {
    const targets = imageIds.map((id) => ({ id, path: filePath.get(id) })).filter((t): t is { id: number; path: string } => t.path !== undefined)
    if (targets.length === 0) return
    const classifier = await openClassifierFiles(filesOf(projectId, classifierId))
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
    resolveClassifier: resolve,
    classifyImages,
    start(projectId, opts) {
      if (!deps.ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      const promptId = opts.promptId ?? null
      if (promptId !== null) {
        const prompt = deps.ws.prompts.get(promptId)
        if (!prompt || prompt.projectId !== projectId) throw new ApiFailure('not_found', `prompt ${promptId} does not exist in project ${projectId}`)
      }
      const { files, id, version } = resolve(projectId, opts.classifier)
      const payload: ClassifyPayload = { files, classifierId: id, classifierVersion: version, promptId, maxImageId: store.maxImageId(projectId, promptId) }
      const total = store.total({ projectId, promptId, maxImageId: payload.maxImageId })
      return deps.runner.start('classify', { projectId, payload, total, message: `queued: ${total} images for ${id} ${version}` })
    },
    agreement(projectId, a, b) {
      if (!deps.ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      return pairAgreement(store.ofProject(projectId, a), store.ofProject(projectId, b))
    },
    summary: (projectId) => {
      if (!deps.ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      return store.summary(projectId)
    }
  }
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
  const key = keyOf(classifier)
  while (!signal.aborted) {
    const batch = next(batchSize)
    if (batch.length === 0) return
    const verdicts = await classifier.classifyFiles(batch.map((b) => b.path))
    if (signal.aborted) return
    store.write(
      key,
      batch.map((b, i) => ({ imageId: b.id, verdict: toVerdict(verdicts[i]) }))
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
