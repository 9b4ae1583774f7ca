// Sampling as a background job. Plan: every (prompt, seed) of the request, prompt-major; the payload
// records how many are done. Work: a chunk of images is sampled (onnxruntime-node, else tfjs),
// encoded as upscaled PNGs under <workspace>/samples/<jobId>/, thumbnailed like imports, and then
// inserted as images of their prompts together with the new `done` count in one transaction. A kill
// at any point leaves the job either before or after a whole chunk; the resumed job samples only
// what is not recorded, and a seed gives the same image again, so files rewritten are identical.
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Job, SampleProvenance, SampleResult } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import { imagesRepo } from '../../store/repos/images'
import type { Workspace } from '../../store/workspace'
import { ImageSamplerName } from '@shared/contract'
import { writeFileAtomicSync } from '../../fs/atomic-write'
import { thumbsDirOf } from '../import/import-service'
import { writeThumbnail } from '../import/image-file'
import type { JobContext, JobRunner } from '../../jobs/runner'
import { encodePng } from '../../world/png'
import type { Catalog } from './catalog'
import { codeVersion } from './code-version'
import { openSampler } from '../../sampling/host'
import { samplesDirOf } from './paths'
import { classifyPrompt } from './prompt-kind'

export interface SampleRequest {
  projectId: number
  model: string
  prompts: string[]
  seedStart: number
  count: number
  steps: number
  sampler: ImageSamplerName
  guidance: number
}

interface SamplePayload extends Omit<SampleRequest, 'projectId'> {
  modelLabel: string
  /** A DiT checkpoint file, or a Stable Diffusion folder when `folder` is set. */
  checkpoint: string
  folder?: boolean
  step: number
  /** Items (prompt-major) already recorded, and their image ids in order. */
  done: number
  imageIds: number[]
}

export interface SampleJobsDeps {
  ws: Workspace
  runner: JobRunner
  catalog: Catalog
  workspaceDir: string
  log: (line: string) => void
  /** Images per sampler call (default 16). */
  chunk?: number
  /** Nearest-neighbour upscale of the saved PNGs, so 16 px figures stay crisp on screen (default 8). */
  scale?: number
  /** 'tfjs' skips onnxruntime-node (tests of the fallback). */
  prefer?: 'ort' | 'tfjs'
  /** Sampling jobs another feature runs, known by their payload (a real-model fine-tune's samples, fine-tuning/real/sample-job.ts). */
  handOver?: { owns: (payload: unknown) => boolean; run: (ctx: JobContext) => Promise<{ message: string }> }
}

function parsePayload(raw: unknown): SamplePayload {
  const p = raw as Partial<SamplePayload> | null
  if (!p || typeof p.checkpoint !== 'string' || !Array.isArray(p.prompts) || !Number.isInteger(p.done) || !Array.isArray(p.imageIds)) {
    throw new Error('sample job payload is damaged')
  }
  return p as SamplePayload
}

export function createSampleJobs(deps: SampleJobsDeps) {
  const { ws, runner, catalog } = deps
  const chunkSize = deps.chunk ?? 16
  const scale = deps.scale ?? 8
  const thumbsDir = thumbsDirOf(deps.workspaceDir)
  const images = imagesRepo(ws.db, thumbsDir)

  /** The project's prompt for `text`, created as needed; specific prompts are linked to their neutral one. */
  const ensurePrompt = (projectId: number, text: string): number => {
    const { kind, neutralText } = classifyPrompt(text)
    if (kind === 'neutral') return ws.prompts.ensure({ projectId, text, kind: 'neutral' }).id
    const neutralId = neutralText === null ? null : ws.prompts.ensure({ projectId, text: neutralText, kind: 'neutral' }).id
    return ws.prompts.ensure({ projectId, text, kind: 'specific', neutralPromptId: neutralId }).id
  }

  interface Written {
    promptId: number
    prompt: string
    seed: number
    file: string
    sha256: string
    bytes: number
    size: number
    thumb: string
    provenance: SampleProvenance & Record<string, unknown>
  }

  const commit = ws.db.transaction((ctx: JobContext, projectId: number, root: string, payload: SamplePayload, written: Written[], done: number) => {
    const ids = [...payload.imageIds]
    for (const w of written) {
      const { image } = images.add({
        projectId,
        promptId: w.promptId,
        sha256: w.sha256,
        filePath: w.file,
        rootPath: root,
        width: w.size,
        height: w.size,
        bytes: w.bytes,
        seed: w.seed,
        generator: `popalign-studio/${payload.model}`,
        provenance: w.provenance,
        thumbPath: w.thumb
      })
      ids.push(image.id)
    }
    const next: SamplePayload = { ...payload, done, imageIds: ids }
    ctx.savePayload(next)
    return next
  })

  async function runSample(ctx: JobContext): Promise<{ message: string }> {
    if (deps.handOver?.owns(ctx.payload)) return deps.handOver.run(ctx)
    let payload = parsePayload(ctx.payload)
    const projectId = ctx.projectId
    if (projectId === null) throw new Error('sample job has no project')
    const total = payload.prompts.length * payload.count
    if (payload.done >= total) return { message: `sampled ${total} images` }
    const root = samplesDirOf(deps.workspaceDir, ctx.jobId)
    mkdirSync(root, { recursive: true })
    mkdirSync(thumbsDir, { recursive: true })
    const promptIds = ws.db.transaction(() => payload.prompts.map((text) => ensurePrompt(projectId, text))).immediate()
    const sampler = await openSampler(payload.folder ? { kind: 'sd-folder', dir: payload.checkpoint } : { kind: 'checkpoint', path: payload.checkpoint }, {
      prefer: deps.prefer,
      onFallback: (reason) => deps.log(`sample job ${ctx.jobId}: onnxruntime-node unavailable, sampling with tfjs: ${reason}`)
    })
    if (!payload.folder && sampler.info.step !== payload.step) {
      await sampler.dispose()
      throw new Error(`checkpoint ${payload.checkpoint} now holds step ${sampler.info.step}, not step ${payload.step} the job was started with`)
    }
    const size = sampler.info.imageSize
    const pixels = size * size * sampler.info.channels
    // Only the built-in world's 16 px figures are upscaled; a real model's images are saved as drawn.
    const upscale = payload.folder ? 1 : scale
    ctx.progress({ done: payload.done, total, message: `sampling ${total} images with ${sampler.info.backend}` })
    try {
      while (payload.done < total && !ctx.signal.aborted) {
        const start = payload.done
        const end = Math.min(total, start + chunkSize)
        const items = Array.from({ length: end - start }, (_, k) => {
          const i = start + k
          const p = Math.floor(i / payload.count)
          return { index: i, promptIndex: p, prompt: payload.prompts[p], seed: payload.seedStart + (i % payload.count) }
        })
        let out: Float32Array
        try {
          out = await sampler.sample(
            { prompts: items.map((it) => it.prompt), seeds: items.map((it) => it.seed), sampler: payload.sampler, steps: payload.steps, guidance: payload.guidance },
            { signal: ctx.signal }
          )
        } catch (err) {
          if (ctx.signal.aborted) break
          throw err
        }
        const written: Written[] = []
        for (let k = 0; k < items.length; k++) {
          const it = items[k]
          const png = await encodePng(out.subarray(k * pixels, (k + 1) * pixels), size, upscale)
          const sha256 = createHash('sha256').update(png).digest('hex')
          const file = join(root, `${String(it.index).padStart(5, '0')}-p${it.promptIndex}-seed${it.seed}.png`)
          writeFileAtomicSync(file, png)
          const thumb = await writeThumbnail({ bytes: png, sha256, size: png.length, format: 'png', width: size * upscale, height: size * upscale }, thumbsDir)
          written.push({
            promptId: promptIds[it.promptIndex],
            prompt: it.prompt,
            seed: it.seed,
            file,
            sha256,
            bytes: png.length,
            size: size * upscale,
            thumb,
            provenance: {
              source: 'sample',
              model: payload.model,
              modelLabel: payload.modelLabel,
              checkpoint: payload.checkpoint,
              step: payload.step,
              prompt: it.prompt,
              seed: it.seed,
              sampler: payload.sampler,
              steps: payload.steps,
              guidance: payload.guidance,
              backend: sampler.info.backend,
              jobId: ctx.jobId,
              imageSize: size,
              upscale,
              ...(sampler.info.modelHash ? { modelHash: sampler.info.modelHash } : {}),
              codeVersion: codeVersion()
            }
          })
        }
        // A cancel that landed while encoding: nothing of this chunk is recorded (its files are
        // rewritten identically if the job is ever resumed).
        if (ctx.signal.aborted) break
        payload = commit(ctx, projectId, root, payload, written, end)
        ctx.progress({ done: end, total, message: `sampled ${end} of ${total} images with ${sampler.info.backend}` })
      }
    } finally {
      await sampler.dispose()
    }
    return { message: `sampled ${payload.done} of ${total} images with ${sampler.info.backend}` }
  }

  runner.register('sample', runSample)

  return {
    start(req: SampleRequest): Job {
      if (!ws.projects.get(req.projectId)) throw new ApiFailure('not_found', `project ${req.projectId} does not exist`)
      // Checked on the id first: a wrong sampler is the request's mistake whatever is installed.
      const sdId = req.model.startsWith('sd:')
      if (!sdId && req.sampler !== 'ddim' && req.sampler !== 'ddpm') throw new ApiFailure('bad_request', `${req.model} samples with ddim or ddpm; ${req.sampler} is for Stable Diffusion folders`)
      const entry = catalog.resolve(req.model)
      const folder = entry.source === 'folder'
      if (folder && req.sampler === 'ddpm') throw new ApiFailure('bad_request', `${entry.label} samples with ddim, euler or euler-ancestral, not ddpm`)
      const { projectId, ...rest } = req
      const payload: SamplePayload = { ...rest, model: entry.id, modelLabel: entry.label, checkpoint: entry.path, step: entry.step, ...(folder ? { folder } : {}), done: 0, imageIds: [] }
      const total = req.prompts.length * req.count
      return runner.start('sample', { projectId, total, payload, message: `sampling ${total} images from ${entry.label}` })
    },

    results(jobId: number): SampleResult[] {
      const job = ws.jobs.get(jobId)
      if (!job) throw new ApiFailure('not_found', `job ${jobId} does not exist`)
      if (job.kind !== 'sample') throw new ApiFailure('bad_request', `job ${jobId} is not a sampling job (it is a ${job.kind} job)`)
      const payload = parsePayload(job.payload)
      const out: SampleResult[] = []
      for (const id of payload.imageIds) {
        const image = images.get(id)
        if (!image) continue
        const p = image.provenance
        out.push({
          imageId: image.id,
          promptId: image.promptId,
          // Provenance fields are strings this module wrote; String() only guards rows of older versions.
          /* eslint-disable @typescript-eslint/no-base-to-string */
          provenance: {
            model: String(p.model ?? payload.model),
            modelLabel: String(p.modelLabel ?? payload.modelLabel),
            checkpoint: String(p.checkpoint ?? payload.checkpoint),
            step: Number(p.step ?? payload.step),
            prompt: String(p.prompt ?? ''),
            seed: Number(p.seed ?? image.seed ?? 0),
            sampler: ImageSamplerName.options.find((name) => name === p.sampler) ?? 'ddim',
            steps: Number(p.steps ?? payload.steps),
            guidance: Number(p.guidance ?? payload.guidance),
            backend: String(p.backend ?? ''),
            jobId: Number(p.jobId ?? jobId)
          }
          /* eslint-enable @typescript-eslint/no-base-to-string */
        })
      }
      return out
    }
  }
}
export type SampleJobs = ReturnType<typeof createSampleJobs>
