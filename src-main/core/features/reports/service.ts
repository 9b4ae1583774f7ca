// Bias reports in the app: report.start plans an audit job (kind 'audit') that samples every model
// source on the report's prompts with fixed seeds (through the engine's sampling jobs), classifies every
// image into the workspace's verdict table, and builds the report with its lineage; report.list/get
// read them back and report.export writes one file. See payload.ts for how a job resumes.
import { writeFileAtomicSync } from '../../fs/atomic-write'
import type { ImageSource, Job, ModelEntry, ReportSummary, SampleResult } from '@shared/contract'
import { imageQueryRepo } from '../../store/repos/image-query'
import { ApiFailure } from '../../errors/api-failure'
import type { Report } from './figures/report-model'
import type { AuditAxis, AuditModel, FidelityEvidence, Lineage } from './figures/types'
import { renderReport, type ReportFormat } from './writers/write-report-files'
import { classifierLineage, type Classification, type ClassifierKey, type ImageClassifier } from '../../classifier/classifier'
import { openClassifier, resolveClassifier, type ClassifierChoice } from '../../classifier/open'
import { classifyStore, fromVerdict, toVerdict } from '../../classifier/verdict-store'
import { checkOutPath, OutPathError } from '../preference-data/export/out-path'
import type { Workspace } from '../../store/workspace'
import type { JobContext, JobRunner } from '../../jobs/runner'
import { composeReport, exemplarIds, type AuditSource } from './compose'
import { parseAuditPayload, totalWork, type AuditPayload, type AuditRequest, type SourceState } from './payload'
import { createReportStore } from './report-store'
import { pictureOptions } from './thumbnails'
import { legacyLineage, trainingLineage } from './run-lineage'
import { imageSetOrigin } from './image-origin'
import { worldReference } from './world-reference'
import { openWorldFidelity } from './world-fidelity'

/** The engine's sampling as the report job uses it (core/features/models). */
export interface ReportSampler {
  start(req: { projectId: number; model: string; prompts: string[]; seedStart: number; count: number; steps: number; sampler: 'ddim' | 'ddpm'; guidance: number }): Job
  results(jobId: number): SampleResult[]
  models(): ModelEntry[]
}

export interface AuditServiceDeps {
  ws: Workspace
  runner: JobRunner
  workspaceDir: string
  /** Without it, reports can only audit workspace images. */
  sampler?: ReportSampler
  /** The resources folder holding the built-in classifiers (StudioConfig.resourcesDir). */
  resourcesDir: string
  /** Folders report exports may be written under (StudioConfig.exportRoots). */
  exportRoots: readonly string[]
  /** How often a report waiting on a sampling job looks at it. */
  pollMs?: number
  /** Images per classifier run and per committed transaction. */
  batchSize?: number
  /**
   * Called after each batch of verdicts is committed, before the job looks at its stop signal again.
   * Tests use it to stop a report at a known point (e.g. close the studio after the first batch).
   */
  afterBatch?: (info: { jobId: number; classified: number; pending: number; signal: AbortSignal }) => void | Promise<void>
}

export interface ReportStartInput extends Omit<AuditRequest, 'guidances'> {
  projectId: number
  /** A guidance sweep: every model is sampled at each scale, and each (model, scale) is one point of the report. */
  guidances?: number[]
  title?: string
  sources: ({ kind: 'model'; model: string; label?: string } | { kind: 'images'; label: string; from?: ImageSource[]; imageIds?: number[] })[]
  classifier: ClassifierChoice
}

export interface AuditService {
  start(input: ReportStartInput): Job
  list(projectId: number): ReportSummary[]
  get(reportId: number): Report
  export(input: { reportId: number; format: ReportFormat; outPath: string; overwrite: boolean }): Promise<{ path: string; bytes: number }>
}

const REFERENCE_PER_PROMPT = 100

export function createAuditService(deps: AuditServiceDeps): AuditService {
  const { ws, runner } = deps
  const store = createReportStore(deps.workspaceDir)
  const verdicts = classifyStore(ws.db)
  const pollMs = deps.pollMs ?? 250
  const batchSize = deps.batchSize ?? 64

  const project = (projectId: number) => ws.projects.get(projectId) ?? fail('not_found', `project ${projectId} does not exist`)

  /** Image ids of the project's images of these prompts (by exact text); every prompt must have some. */
  const imageQuery = imageQueryRepo(ws.db)
  function workspaceImages(projectId: number, prompts: readonly string[], from: readonly ImageSource[]): number[] {
    const byText = new Map(ws.prompts.list(projectId).map((p) => [p.text, p.id]))
    const ids: number[] = []
    for (const text of prompts) {
      const promptId = byText.get(text)
      const some = promptId === undefined ? [] : imageQuery.idsOfPrompt(promptId, from)
      if (some.length === 0) {
        const other = promptId === undefined ? 0 : ws.images.idsOfPrompt(promptId).length
        if (other > 0)
          fail('bad_request', `prompt "${text.slice(0, 120)}" has no ${from.join(' or ')} images in this project (it has ${other} made in the studio: include those sources to audit them)`)
        fail('bad_request', `prompt "${text.slice(0, 120)}" has no images in this project; import or sample it first, or audit a model instead`)
      }
      for (const id of some) ids.push(id)
    }
    return ids
  }

  /** The images named, each checked to be the project's and of one of the report's prompts. */
  function namedImages(projectId: number, prompts: readonly string[], ids: readonly number[]): number[] {
    const wanted = new Set(prompts)
    for (const id of ids) {
      const image = ws.images.get(id)
      if (!image || image.projectId !== projectId) fail('bad_request', `image ${id} is not in this project`)
      const text = ws.prompts.get(image.promptId)?.text
      if (text === undefined || !wanted.has(text)) fail('bad_request', `image ${id} is of a prompt the report does not list ("${(text ?? '').slice(0, 120)}")`)
    }
    return [...new Set(ids)]
  }

  function checkModel(model: string): void {
    if (!deps.sampler) fail('conflict', 'the diffusion engine is not running in this studio, so models cannot be sampled; audit workspace images instead')
    const runId = /^run:(\d+)/.exec(model)?.[1]
    const known = deps.sampler.models().some((m) => m.id === model || (runId !== undefined && m.jobId === Number(runId)))
    if (!known) fail('bad_request', `model "${model}" is not in the model list (models.list)`)
  }

  // ---- the job ----

  async function run(ctx: JobContext): Promise<{ message: string }> {
    let payload = parseAuditPayload(ctx.payload)
    const projectId = ctx.projectId
    if (projectId === null) throw new Error('report job has no project')
    const save = (p: AuditPayload): AuditPayload => {
      ctx.savePayload(p)
      return p
    }
    const imagesCount = payload.sources.filter((s) => s.kind === 'images').reduce((n, s) => n + (s.imageIds?.length ?? 0), 0)
    const work = totalWork(payload, imagesCount)
    const perModel = payload.request.prompts.length * payload.request.count

    // 1. Sampling, one model at a time (the machine has few cores; parallel children would only contend).
    let sampledBefore = 0
    for (let k = 0; k < payload.sources.length; k++) {
      const s = payload.sources[k]
      if (s.kind !== 'model' || s.imageIds !== null) {
        if (s.kind === 'model') sampledBefore += perModel
        continue
      }
      if (!deps.sampler) throw new Error('the diffusion engine is not running, so this report cannot sample its models')
      let childId = s.sampleJobId
      if (childId === null) {
        const r = payload.request
        const child = deps.sampler.start({
          projectId,
          model: s.model as string,
          prompts: r.prompts,
          seedStart: r.seedStart,
          count: r.count,
          steps: r.steps,
          sampler: r.sampler,
          guidance: s.guidance ?? r.guidance
        })
        childId = child.id
        payload = save(withSource(payload, k, { sampleJobId: childId }))
      }
      const finished = await waitFor(ctx, childId, (done) => ctx.progress({ done: sampledBefore + done, total: work.total, message: `sampling ${s.label}: ${done} of ${perModel} images` }))
      if (!finished) return { message: 'stopped' }
      const results = deps.sampler.results(childId)
      const first = results[0]?.provenance
      payload = save(withSource(payload, k, { imageIds: results.map((r) => r.imageId), checkpoint: first?.checkpoint ?? null, step: first?.step ?? null, backend: first?.backend ?? null }))
      sampledBefore += perModel
    }

    // 2. Classification into the workspace's verdict table.
    const key: ClassifierKey = { id: payload.classifier.id, version: payload.classifier.version }
    const allIds = payload.sources.flatMap((s) => s.imageIds ?? [])
    let pending = verdicts.pendingOf(key, allIds)
    const classifyDone = (): number => work.sample + (allIds.length - pending.length)
    ctx.progress({ done: classifyDone(), total: work.total, message: `classifying ${pending.length} of ${allIds.length} images with ${key.id} ${key.version}` })
    const classifier = await openClassifier(payload.classifier.choice, deps.resourcesDir)
    try {
      if (classifier.id !== key.id || classifier.version !== key.version) {
        throw new Error(`the classifier files now hold ${classifier.id} ${classifier.version}, but this report was started with ${key.id} ${key.version}; start a new report`)
      }
      while (pending.length > 0) {
        if (ctx.signal.aborted) return { message: 'stopped' }
        const batch = pending.slice(0, batchSize)
        const results = await classifier.classifyFiles(batch.map((id) => imageFile(id)))
        if (ctx.signal.aborted) return { message: 'stopped' }
        verdicts.write(
          key,
          batch.map((imageId, i) => ({ imageId, verdict: toVerdict(results[i]) }))
        )
        pending = pending.slice(batch.length)
        ctx.progress({ done: classifyDone(), total: work.total, message: `classified ${allIds.length - pending.length} of ${allIds.length} images` })
        await deps.afterBatch?.({ jobId: ctx.jobId, classified: allIds.length - pending.length, pending: pending.length, signal: ctx.signal })
      }

      // 3. The report.
      ctx.progress({ done: work.total - 1, total: work.total, message: 'building the report' })
      const report = await build(projectId, payload, classifier, key, ctx.signal)
      if (ctx.signal.aborted) return { message: 'stopped' }
      store.save(ctx.jobId, report)
      ctx.progress({ done: work.total, total: work.total })
      return { message: `report ready: ${allIds.length} images of ${payload.sources.length} source(s)` }
    } finally {
      await classifier.dispose()
    }
  }

  /** Waits for a child sampling job; false when this job was stopped meanwhile (cancelling the child too if this job was cancelled). */
  async function waitFor(ctx: JobContext, childId: number, onProgress: (done: number) => void): Promise<boolean> {
    for (;;) {
      if (ctx.signal.aborted) {
        if (ws.jobs.get(ctx.jobId)?.state === 'cancelled') runner.cancel(childId)
        return false
      }
      const child = runner.get(childId)
      onProgress(child.done)
      if (child.state === 'done') return true
      if (child.state === 'failed' || child.state === 'cancelled') {
        throw new Error(`sampling job ${childId} ${child.state === 'failed' ? `failed: ${child.error ?? 'no reason given'}` : 'was cancelled'}`)
      }
      await new Promise((r) => setTimeout(r, pollMs))
    }
  }

  /** A run of this project by the name its screens use; null for a job of another project or none. */
  function runNameIn(projectId: number, jobId: number): string | null {
    const job = ws.jobs.get(jobId)
    return job && job.projectId === projectId ? (job.name ?? `Run ${job.number}`) : null
  }

  function imageFile(imageId: number): string {
    const image = ws.images.get(imageId)
    if (!image) throw new Error(`image ${imageId} was deleted while the report was being made`)
    return image.filePath
  }

  async function build(projectId: number, payload: AuditPayload, classifier: ImageClassifier, key: ClassifierKey, signal: AbortSignal): Promise<Report> {
    const r = payload.request
    const projectName = ws.projects.get(projectId)?.name ?? `project ${projectId}`
    const sources: AuditSource[] = []
    const fidelity = await openWorldFidelity(classifier)
    const evidence = new Map<string, FidelityEvidence>()
    for (const s of payload.sources) {
      const ids = s.imageIds ?? []
      const stored = verdicts.read(key, ids)
      // The built-in classifier's concept and features are not stored; they are recomputed here for
      // concept accuracy and the Frechet distance (the stored verdict stays the status of record).
      const fresh = new Array<Classification | null>(ids.length).fill(null)
      if (classifier.hasFeatures) {
        for (let i = 0; i < ids.length && !signal.aborted; i += 256) {
          const part = await classifier.classifyFiles(ids.slice(i, i + 256).map(imageFile))
          part.forEach((c, k) => (fresh[i + k] = c))
        }
      }
      const rows = ids.map((id) => {
        const image = ws.images.get(id)
        if (!image) throw new Error(`image ${id} was deleted while the report was being made`)
        return image
      })
      const images = rows.map((image, i) => {
        const id = ids[i]
        const prompt = ws.prompts.get(image.promptId)
        return { imageId: String(id), promptId: String(image.promptId), promptText: prompt?.text ?? `prompt ${image.promptId}`, seed: image.seed }
      })
      const classifications = ids.map((id, i) => {
        const v = stored.get(id)
        if (!v) throw new Error(`image ${id} has no verdict of ${key.id} ${key.version}`)
        const c = fromVerdict(v)
        const f = fresh[i]
        return f ? { ...c, concept: f.concept, conceptP: f.conceptP, features: f.features } : c
      })
      await fidelity?.evidenceForFiles(
        ids.map((id, i) => ({ imageId: String(id), promptText: images[i].promptText, path: imageFile(id), classification: classifications[i] })),
        evidence,
        signal
      )
      const seeds =
        s.kind === 'model' ? Array.from({ length: r.count }, (_, i) => r.seedStart + i) : [...new Set(images.map((i) => i.seed).filter((x): x is number => x !== null))].sort((a, b) => a - b)
      const guidance = s.kind === 'model' ? (s.guidance ?? r.guidance) : null
      const lineage: Lineage = {
        ...legacyLineage(s, trainingLineage(ws, deps.workspaceDir, s.model ?? '', s.step)),
        checkpoint: s.checkpoint ? `${s.checkpoint}${s.step !== null ? ` (step ${s.step})` : ''}` : null,
        classifier: classifierLineage(classifier),
        prompts: `${r.prompts.length} prompt${r.prompts.length === 1 ? '' : 's'} of project "${projectName}"`,
        promptTexts: [...r.prompts],
        seeds,
        sampler: s.kind === 'model' ? `${r.sampler} ${r.steps} steps${s.backend ? ` (${s.backend})` : ''}` : null,
        steps: s.kind === 'model' ? r.steps : null,
        guidance,
        model: s.model,
        ...(s.kind === 'images' ? { origin: imageSetOrigin(rows, (jobId) => runNameIn(projectId, jobId)) } : {})
      }
      const sweep = (r.guidances?.length ?? 0) > 1
      const id = s.kind === 'model' ? `${s.model as string}${sweep ? ` g${guidance}` : ''}` : `images-${sources.length + 1}`
      const model: AuditModel = { id, label: s.label, lineage }
      sources.push({ model, images: images.map(({ seed: _seed, ...m }) => m), classifications })
    }
    const reference = await worldReference(classifier, r.prompts, Math.min(REFERENCE_PER_PROMPT, Math.max(2, r.count)))
    return composeReport({
      title: payload.title,
      createdAt: payload.createdAt,
      axes: axesFor(projectId, classifier.axes),
      concepts: classifier.concepts,
      sources: dedupeModelIds(sources),
      reference,
      fidelity: fidelity ? { scale: fidelity.scale, evidence } : null,
      bootstrap: { resamples: r.resamples, seed: 0 }
    }).report
  }

  /** The project's axis (its full class list and ideal) where it covers the classifier's classes. */
  function axesFor(projectId: number, fromClassifier: readonly AuditAxis[]): AuditAxis[] {
    const project = new Map(ws.axes.list(projectId).map((a) => [a.name, a]))
    return fromClassifier.map((a) => {
      const p = project.get(a.name)
      if (!p || !a.classes.every((c) => p.classes.includes(c))) return a
      return p.ideal ? { name: p.name, classes: p.classes, ideal: p.ideal } : { name: p.name, classes: p.classes }
    })
  }

  runner.register('audit', run)

  return {
    start(input) {
      const p = project(input.projectId)
      if (new Set(input.prompts).size !== input.prompts.length) fail('bad_request', 'a prompt is listed twice')
      const { id, version } = resolveClassifier(input.classifier, ws.axes.list(input.projectId), deps.resourcesDir)
      const classifier = { id, version }
      const scales = input.guidances ?? [input.guidance]
      const repeated = scales.find((g, i) => scales.indexOf(g) !== i)
      if (repeated !== undefined) fail('bad_request', `guidance scale ${repeated} is listed twice`)
      const sweep = scales.length > 1
      const labels: string[] = []
      const sources: SourceState[] = input.sources.flatMap((s): SourceState[] => {
        const blank = { sampleJobId: null, checkpoint: null, step: null, backend: null }
        if (s.kind === 'model') {
          checkModel(s.model)
          const entry = deps.sampler?.models().find((m) => m.id === s.model)
          const label = s.label ?? entry?.label ?? s.model
          labels.push(label)
          // One source per scale: each (model, guidance) is sampled, classified and reported on its own.
          return scales.map((guidance) => ({ kind: 'model', label: sweep ? `${label} · guidance ${guidance}` : label, model: s.model, imageIds: null, ...blank, guidance }))
        }
        labels.push(s.label)
        const imageIds = s.imageIds ? namedImages(input.projectId, input.prompts, s.imageIds) : workspaceImages(input.projectId, input.prompts, s.from ?? ['imported'])
        return [{ kind: 'images', label: s.label, model: null, imageIds, ...blank, guidance: null }]
      })
      const modelRefs = input.sources.filter((s) => s.kind === 'model').map((s) => s.model)
      if (new Set(modelRefs).size !== modelRefs.length) fail('bad_request', 'a model is listed twice')
      const request: AuditRequest = {
        prompts: input.prompts,
        seedStart: input.seedStart,
        count: input.count,
        steps: input.steps,
        sampler: input.sampler,
        guidance: scales[0],
        ...(sweep ? { guidances: [...scales] } : {}),
        resamples: input.resamples
      }
      const payload: AuditPayload = {
        version: 1,
        title: input.title ?? `${labels.join(' vs ')}${sweep ? ` at guidance ${scales.join(', ')}` : ''} on ${input.prompts.length} prompt${input.prompts.length === 1 ? '' : 's'} of ${p.name}`,
        request,
        classifier: { choice: input.classifier, ...classifier },
        sources,
        createdAt: new Date().toISOString()
      }
      const imagesCount = sources.reduce((n, s) => n + (s.kind === 'images' ? (s.imageIds?.length ?? 0) : 0), 0)
      return runner.start('audit', { projectId: input.projectId, payload, total: totalWork(payload, imagesCount).total, message: `queued: ${payload.title}` })
    },

    list(projectId) {
      project(projectId)
      return ws.jobs
        .list(projectId)
        .filter((j) => j.kind === 'audit')
        .map((j): ReportSummary => {
          let payload: AuditPayload | null = null
          try {
            payload = parseAuditPayload(j.payload)
          } catch {
            payload = null
          }
          return {
            reportId: j.id,
            projectId,
            // A name given on the Reports screen (report.rename) stands before the title it was built with.
            title: j.name ?? payload?.title ?? `Report ${j.number}`,
            state: j.state,
            done: j.done,
            total: j.total,
            message: j.message,
            error: j.error,
            sources: payload?.sources.map((s) => s.label) ?? [],
            prompts: payload?.request.prompts.length ?? 0,
            createdAt: j.createdAt
          }
        })
    },

    get(reportId) {
      const job = ws.jobs.get(reportId)
      if (!job || job.kind !== 'audit') fail('not_found', `report ${reportId} does not exist`)
      if (job.state !== 'done' || !store.exists(reportId)) {
        fail('conflict', `report ${reportId} is not ready: its job is ${job.state}${job.total > 0 ? ` (${Math.floor((100 * job.done) / job.total)}%)` : ''}${job.error ? `: ${job.error}` : ''}`)
      }
      return store.load(reportId)
    },

    async export({ reportId, format, outPath, overwrite }) {
      const report = this.get(reportId)
      // The same check as export.start: never the workspace's own files, never a device or FIFO.
      let target: string
      try {
        target = checkOutPath(outPath, { workspaceDbFile: ws.file, overwrite, allowedRoots: deps.exportRoots })
      } catch (e) {
        if (e instanceof OutPathError) fail(e.code, e.message)
        throw e
      }
      return exportFile(report, format, target)
    }
  }

  /** Writes one export atomically; the HTML gets the exemplar thumbnails embedded. */
  async function exportFile(report: Report, format: ReportFormat, outPath: string): Promise<{ path: string; bytes: number }> {
    const pictures = await pictureOptions(
      exemplarIds(report).map((id) => ({ id, path: ws.images.get(Number(id))?.filePath ?? null })),
      [format]
    )
    const content = renderReport(report, format, pictures)
    writeFileAtomicSync(outPath, content)
    return { path: outPath, bytes: typeof content === 'string' ? Buffer.byteLength(content) : content.length }
  }
}

function withSource(p: AuditPayload, k: number, patch: Partial<SourceState>): AuditPayload {
  return { ...p, sources: p.sources.map((s, i) => (i === k ? { ...s, ...patch } : s)) }
}

/** Two image sets may share a label; report model ids must differ. */
function dedupeModelIds(sources: AuditSource[]): AuditSource[] {
  const seen = new Set<string>()
  return sources.map((s) => {
    let id = s.model.id
    for (let n = 2; seen.has(id); n++) id = `${s.model.id}-${n}`
    seen.add(id)
    return id === s.model.id ? s : { ...s, model: { ...s.model, id } }
  })
}

function fail(code: 'bad_request' | 'not_found' | 'conflict', message: string): never {
  throw new ApiFailure(code, message)
}
