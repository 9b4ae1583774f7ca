// Automated preference acquisition as a resumable background job (paper §4.1, docs/methods/popalign.md §Acquisition):
//   plan     neutral prompts + their identity-specific prompts (every class combination x template)
//   sample   N images per neutral prompt, M per specific prompt, PNGs under <workspace>/acquire/<jobId>/
//   classify every sampled image (the classification job's runner and table)
//   gate     keep or drop each image, every drop in the ledger with its reason
//   pairs    per neutral prompt, set pairs (balanced augmented winner vs neutral loser, diversity
//            check), saved as sets + pairs + fairness judgements of the annotator "classifier"
// The step and each unit of work (a prompt's images, a batch of verdicts, a prompt's pairs) commit
// together with the payload in one transaction, so a restart resumes where the last commit left it.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { basename, isAbsolute, join } from 'node:path'
import type { Job } from '@shared/contract'
import { ApiFailure } from '../../../errors/api-failure'
import { classifyStore } from '../../../classifier/verdict-store'
import { classifyPending, type ClassifyService } from '../../../classifier/classify-job'
import { openClassifierFiles, type ClassifierChoice, type ClassifierFiles } from '../../../classifier/open'
import { acquireRepo, type PlanRow } from '../../../store/repos/acquire'
import { MAX_MODEL_BYTES, ownerFile } from '../../../fs/owner-file'
import { classificationsRepo } from '../../../store/repos/classifications'
import type { Workspace } from '../../../store/workspace'
import { Rng } from '../../../random/rng'
import { BASE_CHECKPOINT_FILE, defaultBaseModelDir } from '../../models/paths'
import type { JobContext, JobRunner } from '../../../jobs/runner'
import { writeFileAtomicSync } from '../../../fs/atomic-write'
import { writeThumbnail } from '../../import/image-file'
import { encodePng } from '../../../world/png'
import { tokenisePrompt, tokenId, splitWords } from '../../../world/vocabulary'
import { augmentPrompt, AugmentError, defaultTemplate, type TaxonomyAxis } from './augment'
import { gateImage } from './gate'
import { buildSetPair, type AugmentedImage, type PoolImage } from './pairs'
import { openSampler } from '../../../sampling/host'
import { acquisitionSeed, checkpointConfig, DEFAULT_SAMPLING, type SamplingSettings } from './sample-model'
import { sampledWords, stepWords, type AcquireCounts, type AcquireStepName } from './progress-words'

export interface AcquireRequest {
  neutralPrompts: string[]
  /** Absolute path of a training checkpoint, or a model id the studio resolves ('base'). */
  checkpoint?: string
  model?: string
  nPerNeutral?: number
  mPerSpecific?: number
  k?: number
  pairsPerPrompt?: number
  seed?: number
  templates?: string[]
  sampling?: Partial<SamplingSettings>
  classifier?: ClassifierChoice
}

type Step = AcquireStepName

interface Payload {
  neutralPrompts: string[]
  checkpoint: string
  n: number
  m: number
  k: number
  pairsPerPrompt: number
  seed: number
  templates: string[]
  sampling: SamplingSettings
  classifier: { files: ClassifierFiles; id: string; version: string }
  axes: TaxonomyAxis[]
  step: Step
  /** Neutral prompt ids whose pairs are committed. */
  pairsDone: number[]
}

export interface AcquireLedger {
  jobId: number
  counts: Record<string, number>
  kept: { neutral: number; augmented: number }
  pairs: number
  swapped: number
  drops: { stage: 'sample' | 'gate' | 'pairs'; reason: string; detail: string; imageId: number | null; promptId: number | null; prompt: string | null }[]
}

export interface AcquireDeps {
  ws: Workspace
  runner: JobRunner
  classify: ClassifyService
  workspaceDir: string
  /** Model id -> checkpoint path (defaultResolveModel over the entry point's resources folder). */
  resolveModel: (model: string) => string
  classifyBatch?: number
}

/** Paper: 100 images per neutral prompt and 10 per specific prompt (12 of them); scaled for small machines. */
export const ACQUIRE_DEFAULTS = { nPerNeutral: 24, k: 5, pairsPerPrompt: 20, seed: 1 }

/** M keeps the paper's proportion: the augmented pool about 1.2 x the neutral pool. */
export function defaultPerSpecific(n: number, specificPrompts: number): number {
  return Math.max(1, Math.ceil((1.2 * n) / specificPrompts))
}

export function defaultResolveModel(model: string, resourcesDir: string): string {
  if (model !== 'base') throw new ApiFailure('bad_request', `unknown model "${model.slice(0, 80)}"; give a checkpoint path or "base"`)
  return join(defaultBaseModelDir(resourcesDir), BASE_CHECKPOINT_FILE)
}

/** Nearest-neighbour upscale of the saved PNGs (encodePng's default). */
const PNG_SCALE = 4

export function acquireDirOf(workspaceDir: string, jobId: number): string {
  return join(workspaceDir, 'acquire', String(jobId))
}

export function createAcquireService(deps: AcquireDeps) {
  const { ws } = deps
  const db = ws.db
  const repo = acquireRepo(db)
  const verdicts = classificationsRepo(db)
  const cstore = classifyStore(db)
  const batch = deps.classifyBatch ?? 64
  const jobKind = db.prepare<[number], { kind: string; project_id: number | null }>('SELECT kind, project_id FROM jobs WHERE id = ?')
  const savePayload = db.prepare<[string, number]>("UPDATE jobs SET payload = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?")
  const save = (jobId: number, p: Payload): void => void savePayload.run(JSON.stringify(p), jobId)

  function validate(projectId: number, req: AcquireRequest): Payload {
    const axes = ws.axes.list(projectId).map((a) => ({ name: a.name, classes: a.classes }))
    if (axes.length === 0) throw new ApiFailure('bad_request', `project ${projectId} has no taxonomy axes; define them (axes.save) before acquiring preferences`)
    const templates = req.templates && req.templates.length > 0 ? req.templates : [defaultTemplate(axes)]
    const prompts = req.neutralPrompts.map((p) => p.trim())
    if (prompts.length === 0) throw new ApiFailure('bad_request', 'give at least one identity-neutral prompt')
    if (new Set(prompts).size !== prompts.length) throw new ApiFailure('bad_request', 'a neutral prompt is listed twice')
    let specificCount = 0
    try {
      for (const p of prompts) {
        if (tokenisePrompt(p).ids.length === 0) throw new AugmentError(`neutral prompt "${p}" has no word the model knows`)
        specificCount = augmentPrompt(p, axes, templates).length
      }
    } catch (e) {
      if (e instanceof AugmentError) throw new ApiFailure('bad_request', e.message)
      throw e
    }
    // The model reads prompts as a bag of known words: a class it does not know would be asked for in vain.
    for (const axis of axes) {
      for (const cls of axis.classes) {
        const unknown = splitWords(cls).filter((w) => tokenId(w) === undefined)
        if (unknown.length > 0) throw new ApiFailure('bad_request', `class "${cls}" of axis "${axis.name}" has words the model does not know (${unknown.join(', ')}); it cannot be prompted for`)
      }
    }
    const checkpoint = req.checkpoint ?? deps.resolveModel(req.model ?? 'base')
    if (!isAbsolute(checkpoint)) throw new ApiFailure('bad_request', `checkpoint must be an absolute path: ${checkpoint.slice(0, 200)}`)
    if (!existsSync(checkpoint)) throw new ApiFailure('bad_request', `checkpoint not found: ${checkpoint}`)
    try {
      // A regular file of a bounded size: /dev/zero or a FIFO as a checkpoint is refused, not read.
      ownerFile(checkpoint, 'checkpoint', MAX_MODEL_BYTES)
      checkpointConfig(checkpoint)
    } catch (e) {
      throw new ApiFailure('bad_request', (e as Error).message)
    }
    const classifier = deps.classify.resolveClassifier(projectId, req.classifier)
    for (const axis of axes) {
      if (!classifier.heads.some((h) => h.axis === axis.name)) throw new ApiFailure('bad_request', `classifier ${classifier.id} has no head for axis "${axis.name}"; the gate could not check it`)
    }
    const n = req.nPerNeutral ?? ACQUIRE_DEFAULTS.nPerNeutral
    const k = req.k ?? ACQUIRE_DEFAULTS.k
    if (n < k) throw new ApiFailure('bad_request', `nPerNeutral (${n}) is smaller than the set size k (${k})`)
    return {
      neutralPrompts: prompts,
      checkpoint,
      n,
      m: req.mPerSpecific ?? defaultPerSpecific(n, specificCount),
      k,
      pairsPerPrompt: req.pairsPerPrompt ?? ACQUIRE_DEFAULTS.pairsPerPrompt,
      seed: req.seed ?? ACQUIRE_DEFAULTS.seed,
      templates,
      sampling: { ...DEFAULT_SAMPLING, ...req.sampling },
      classifier: { files: classifier.files, id: classifier.id, version: classifier.version },
      axes,
      step: 'plan',
      pairsDone: []
    }
  }

  const planStep = db.transaction((jobId: number, projectId: number, p: Payload) => {
    let ord = 0
    const rows: Omit<PlanRow, 'sampled'>[] = []
    for (const text of p.neutralPrompts) {
      const neutral = ws.prompts.ensure({ projectId, text, kind: 'neutral' })
      if (neutral.kind !== 'neutral') throw new Error(`prompt "${text}" exists in the project as an identity-specific prompt`)
      rows.push({ ord: ord++, promptId: neutral.id, neutralPromptId: neutral.id, pool: 'neutral' as const, combo: null, images: p.n })
      for (const s of augmentPrompt(text, p.axes, p.templates)) {
        const specific = ws.prompts.ensure({ projectId, text: s.text, kind: 'specific', neutralPromptId: neutral.id })
        rows.push({ ord: ord++, promptId: specific.id, neutralPromptId: neutral.id, pool: 'augmented' as const, combo: s.combo, images: p.m })
      }
    }
    repo.addPlan(jobId, rows)
    save(jobId, { ...p, step: 'sample' })
  })

  async function sampleStep(ctx: JobContext, projectId: number, p: Payload, progress: (promptText: string) => void): Promise<boolean> {
    const dir = acquireDirOf(deps.workspaceDir, ctx.jobId)
    mkdirSync(dir, { recursive: true })
    mkdirSync(ws.thumbDir, { recursive: true })
    const todo = repo.plan(ctx.jobId).filter((r) => !r.sampled)
    if (todo.length === 0) return true
    const model = await openSampler({ kind: 'checkpoint', path: p.checkpoint })
    const size = model.info.imageSize
    try {
      for (const row of todo) {
        if (ctx.signal.aborted) return false
        const prompt = ws.prompts.get(row.promptId)!
        const seeds = Array.from({ length: row.images }, (_, i) => acquisitionSeed(p.seed, row.ord, i))
        let pixels: Float32Array
        try {
          pixels = await model.sample({ prompts: seeds.map(() => prompt.text), seeds, ...p.sampling }, { signal: ctx.signal })
        } catch (e) {
          if (ctx.signal.aborted) return false
          throw e
        }
        const per = size * size * model.info.channels
        const files: { path: string; sha256: string; bytes: number; seed: number; i: number; thumb: string }[] = []
        const px = size * PNG_SCALE
        for (let i = 0; i < row.images; i++) {
          const png = await encodePng(pixels.subarray(i * per, (i + 1) * per), size, PNG_SCALE)
          const path = join(dir, `${String(row.ord).padStart(5, '0')}-${String(i).padStart(4, '0')}.png`)
          // Same seed, same bytes: a file rewritten after a kill is identical to the first one.
          writeFileAtomicSync(path, png)
          const sha256 = createHash('sha256').update(png).digest('hex')
          // Grids (Label, Browse, Sets, the ledger) ask for thumbnails, as for imported images.
          const thumb = await writeThumbnail({ bytes: png, sha256, size: png.length, format: 'png', width: px, height: px }, ws.thumbDir)
          files.push({ path, sha256, bytes: png.length, seed: seeds[i], i, thumb })
        }
        if (ctx.signal.aborted) return false
        db.transaction(() => {
          for (const f of files) {
            const { image, duplicate } = ws.images.add({
              projectId,
              promptId: row.promptId,
              sha256: f.sha256,
              filePath: f.path,
              rootPath: dir,
              width: px,
              height: px,
              bytes: f.bytes,
              thumbPath: f.thumb,
              seed: f.seed,
              generator: `popalign-studio acquire (${basename(p.checkpoint)})`,
              provenance: {
                acquireJob: ctx.jobId,
                pool: row.pool,
                promptUsed: prompt.text,
                neutralPromptId: row.neutralPromptId,
                combo: row.combo,
                checkpoint: p.checkpoint,
                sampler: p.sampling,
                index: f.i,
                backend: model.info.backend
              }
            })
            if (duplicate) {
              repo.drop(ctx.jobId, {
                stage: 'sample',
                imageId: image.id,
                promptId: row.promptId,
                reason: 'duplicate_image',
                detail: `image ${f.i} is byte-identical to image ${image.id}, already in the project`
              })
            } else {
              repo.addImage(ctx.jobId, image.id, row.ord)
            }
          }
          repo.markSampled(ctx.jobId, row.ord)
        })()
        progress(prompt.text)
      }
    } finally {
      await model.dispose()
    }
    return true
  }

  function gateStep(jobId: number, p: Payload): void {
    const axisNames = p.axes.map((a) => a.name)
    db.transaction(() => {
      for (const img of repo.images(jobId)) {
        if (img.gate !== 'pending') continue
        const v = verdicts.latest(img.imageId, p.classifier.id)
        const verdict = v && v.classifierVersion === p.classifier.version ? v : null
        const r = gateImage(verdict, img.combo, axisNames)
        repo.setGate(jobId, img.imageId, r.keep ? 'kept' : 'dropped')
        if (!r.keep) repo.drop(jobId, { stage: 'gate', imageId: img.imageId, promptId: null, reason: r.reason, detail: r.detail })
      }
      save(jobId, { ...p, step: 'pairs' })
    })()
  }

  const pairsOfPrompt = db.transaction((jobId: number, projectId: number, p: Payload, neutralPromptId: number) => {
    const axisNames = p.axes.map((a) => a.name)
    const kept = repo.images(jobId).filter((i) => i.neutralPromptId === neutralPromptId && i.gate === 'kept')
    const attrs = (id: number) => verdicts.latest(id, p.classifier.id)?.attributes ?? {}
    const neutral: PoolImage[] = kept.filter((i) => i.pool === 'neutral').map((i) => ({ id: i.imageId, attributes: attrs(i.imageId) }))
    const augmented: AugmentedImage[] = kept
      .filter((i) => i.pool === 'augmented')
      .map((i) => ({ id: i.imageId, attributes: attrs(i.imageId), combo: JSON.stringify(axisNames.map((a) => i.combo![a])) }))
    const short = [neutral.length < p.k ? `neutral pool has ${neutral.length}` : null, augmented.length < p.k ? `augmented pool has ${augmented.length}` : null].filter(Boolean)
    if (short.length > 0) {
      repo.drop(jobId, { stage: 'pairs', imageId: null, promptId: neutralPromptId, reason: 'pool_too_small', detail: `${short.join(' and ')} image(s) after the gate; a set needs ${p.k}` })
    } else {
      const rng = Rng.derive(p.seed, 'acquire-pairs', neutralPromptId)
      const classifier = ws.annotators.classifier()
      for (let idx = 0; idx < p.pairsPerPrompt; idx++) {
        const built = buildSetPair(augmented, neutral, p.k, axisNames, rng)
        const winnerSet = repo.createSet(projectId, neutralPromptId, built.winner)
        const loserSet = repo.createSet(projectId, neutralPromptId, built.loser)
        // The winner's side is drawn, so "a" is not always the fairer set when people label these too.
        const winnerIsA = rng.int(2) === 0
        const pair = ws.pairs.create(winnerIsA ? winnerSet : loserSet, winnerIsA ? loserSet : winnerSet)!
        ws.judgements.record({
          pairId: pair.id,
          annotatorId: classifier.id,
          criterion: 'fairness',
          choice: winnerIsA ? 'a' : 'b',
          shownLeft: 'a',
          responseMs: 0,
          idempotencyKey: `acquire:${jobId}:${neutralPromptId}:${idx}`
        })
        repo.addPair(jobId, { neutralPromptId, idx, pairId: pair.id, winnerSetId: winnerSet, loserSetId: loserSet, swapped: built.swapped })
      }
    }
    save(jobId, { ...p, pairsDone: [...p.pairsDone, neutralPromptId] })
  })

  async function run(ctx: JobContext): Promise<{ message: string }> {
    const projectId = ctx.projectId
    if (projectId === null) throw new Error('acquisition job has no project')
    let p = ctx.payload as Payload
    if (!p || typeof p.step !== 'string' || !Array.isArray(p.neutralPrompts)) throw new Error('acquisition job payload is damaged')
    const reload = (): Payload => (p = ws.jobs.get(ctx.jobId)!.payload as Payload)
    const plan = () => repo.plan(ctx.jobId)
    const imagesTotal = () => plan().reduce((s, r) => s + r.images, 0)
    const pairsTotal = p.neutralPrompts.length * p.pairsPerPrompt
    // Progress in network evaluations, so the bar moves evenly: a sampled image costs one denoiser
    // pass per sampler step (two with guidance), a classification one pass, a pair about nothing.
    const perSample = p.sampling.steps * (p.sampling.guidance === 1 ? 1 : 2)
    /** The progress so far, and what it is in words (progress-words.ts) from the counts. */
    const report = (say: (c: AcquireCounts) => string): void => {
      const rows = plan()
      const sampled = rows.filter((r) => r.sampled).reduce((s, r) => s + r.images, 0)
      const classified = repo.classifiedCount(ctx.jobId, p.classifier)
      const done = sampled * perSample + classified + repo.pairStats(ctx.jobId).pairs
      const counts: AcquireCounts = {
        planned: imagesTotal(),
        sampled,
        toClassify: repo.images(ctx.jobId).length,
        classified,
        promptsPaired: p.pairsDone.length,
        prompts: rows.filter((r) => r.pool === 'neutral').length
      }
      ctx.progress({ done, total: imagesTotal() * (perSample + 1) + pairsTotal, message: say(counts) })
    }

    if (p.step === 'plan') {
      planStep(ctx.jobId, projectId, p)
      reload()
    }
    report((c) => stepWords(p.step, c))
    if (p.step === 'sample') {
      if (!(await sampleStep(ctx, projectId, p, (prompt) => report((c) => sampledWords(c, prompt))))) return { message: 'stopped while sampling' }
      save(ctx.jobId, { ...p, step: 'classify' })
      reload()
    }
    if (p.step === 'classify') {
      // Said before the classifier opens (that can take a while), so the screen leaves "sampled …" behind.
      report((c) => stepWords('classify', c))
      const classifier = await openClassifierFiles(p.classifier.files)
      try {
        if (classifier.id !== p.classifier.id || classifier.version !== p.classifier.version) {
          throw new Error(`the classifier files now hold ${classifier.id} ${classifier.version}, but this acquisition started with ${p.classifier.id} ${p.classifier.version}`)
        }
        await classifyPending(
          classifier,
          cstore,
          (limit) => repo.unclassified(ctx.jobId, p.classifier, limit),
          batch,
          ctx.signal,
          () => report((c) => stepWords('classify', c))
        )
      } finally {
        await classifier.dispose()
      }
      if (ctx.signal.aborted) return { message: 'stopped while classifying' }
      save(ctx.jobId, { ...p, step: 'gate' })
      reload()
    }
    if (p.step === 'gate') {
      report((c) => stepWords('gate', c))
      gateStep(ctx.jobId, p)
      reload()
    }
    for (const row of plan().filter((r) => r.pool === 'neutral')) {
      if (ctx.signal.aborted) return { message: 'stopped while building pairs' }
      if (p.pairsDone.includes(row.neutralPromptId)) continue
      pairsOfPrompt(ctx.jobId, projectId, p, row.neutralPromptId)
      reload()
      report((c) => stepWords('pairs', c))
    }
    const l = ledger(ctx.jobId)
    const dropped = Object.values(l.counts).reduce((a, b) => a + b, 0)
    // The pairs join every person's label queue (people labelling them is how the classifier is
    // checked, see team.classifierAgreement), so the growth is announced rather than silent.
    return {
      message: `${l.pairs} pairs judged by the classifier, added to the label queue (${l.swapped} swapped by the diversity check); kept ${l.kept.neutral} neutral and ${l.kept.augmented} augmented images; ${dropped} drops in the ledger`
    }
  }

  function ledger(jobId: number): AcquireLedger {
    const job = jobKind.get(jobId)
    if (!job) throw new ApiFailure('not_found', `job ${jobId} does not exist`)
    if (job.kind !== 'acquire') throw new ApiFailure('bad_request', `job ${jobId} is not an acquisition (it is a ${job.kind} job)`)
    const drops = repo.drops(jobId)
    const counts: Record<string, number> = {}
    for (const d of drops) counts[d.reason] = (counts[d.reason] ?? 0) + 1
    const kept = { neutral: 0, augmented: 0 }
    for (const i of repo.images(jobId)) if (i.gate === 'kept') kept[i.pool]++
    return {
      jobId,
      counts,
      kept,
      ...repo.pairStats(jobId),
      drops: drops.map((d) => ({ ...d, prompt: d.promptId === null ? null : (ws.prompts.get(d.promptId)?.text ?? null) }))
    }
  }

  deps.runner.register('acquire', run)

  return {
    start(projectId: number, req: AcquireRequest): Job {
      if (!ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      const payload = validate(projectId, req)
      return deps.runner.start('acquire', { projectId, payload, message: `acquiring preferences for ${payload.neutralPrompts.length} prompt(s)` })
    },
    ledger
  }
}
export type AcquireService = ReturnType<typeof createAcquireService>
