// Sampling a finished real-model fine-tune as a studio job, so the screen can do what the loop test
// does: popalign_trainer.sample draws the prompts and seeds the user picked with the run's LoRA or UNet
// (sample.ts), then the studio's folder import brings the PNGs and their sidecars into the project, the
// run's provenance kept with every image. The job is of kind 'sample' (sample-jobs.ts hands it over
// by its payload), so the job list, cancel and the restart of unfinished jobs treat it like any other.
//
// Safe to restart at any point: the images live in <run>/samples/job-<id>/ and are complete once
// sampleRealRun has written job-<id>.sample.json; a folder without it is a cut-off draw and is drawn
// again (a seed gives the same image). The import is a job of its own whose id is saved in the payload
// before it is waited for, so a restarted studio follows the same import instead of starting another.
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Job, RealSampleSet } from '@shared/contract'
import { ApiFailure } from '../../../errors/api-failure'
import type { JobContext, JobRunner } from '../../../jobs/runner'
import type { Workspace } from '../../../store/workspace'
import { publicJob } from '../../../store/repos/jobs'
import { isFinalJobState } from '@shared/job-states'
import { runDirOf } from '../../models/paths'
import { isRealPayload, RESULT_FILE } from './job'
import { sampleRealRun } from './sample'

export interface RealSamplePayload {
  realSample: {
    /** The real-model fine-tune whose weights are sampled. */
    runJobId: number
    prompts: string[]
    seeds: number[]
    steps: number
    guidance: number
    /** The folder import that brings the images in, once started. */
    importJobId: number | null
  }
}

export function isRealSamplePayload(p: unknown): p is RealSamplePayload {
  return typeof p === 'object' && p !== null && 'realSample' in p
}

export interface RealSampleDeps {
  ws: Workspace
  runner: JobRunner
  workspaceDir: string
  envDir: string
  sourceDir: string
  /** The studio's folder import; without it, samples cannot be brought into the project. */
  imports?: { start(projectId: number, folder: string): Job }
  /** How often the job looks at its import (ms). */
  pollMs?: number
}

export interface RealSampleRequest {
  runJobId: number
  prompts: string[]
  seeds: number[]
  steps: number
  guidance: number
}

const folderName = (sampleJobId: number): string => `job-${sampleJobId}`

export function createRealSampleJobs(deps: RealSampleDeps) {
  const { ws, runner } = deps
  const pollMs = deps.pollMs ?? 250
  const ledger = ws.db.prepare<[number], { imageId: number; seed: number | null; prompt: string }>(
    `SELECT f.image_id AS imageId, i.seed AS seed, p.text AS prompt
       FROM import_files f JOIN images i ON i.id = f.image_id JOIN prompts p ON p.id = i.prompt_id
      WHERE f.job_id = ? ORDER BY f.rel_path`
  )

  /** The finished run with trained weights, or a refusal in words. */
  function finishedRun(runJobId: number, projectId?: number) {
    const run = ws.jobs.get(runJobId)
    if (!run || run.kind !== 'train' || !isRealPayload(run.payload)) throw new ApiFailure('bad_request', `run ${runJobId} is not a real-model fine-tune`)
    if (projectId !== undefined && run.projectId !== projectId) throw new ApiFailure('not_found', `run ${runJobId} is not in this project`)
    const runDir = runDirOf(deps.workspaceDir, runJobId)
    if (run.state !== 'done' || !existsSync(join(runDir, RESULT_FILE))) {
      throw new ApiFailure('conflict', `${run.name ?? `Run ${run.number}`} has no trained weights to sample (it is ${run.state}); sample a run that finished training`)
    }
    return { run, runDir }
  }

  /** Waits for the import job to end; cancels it with this job. */
  async function awaitImport(ctx: JobContext, importJobId: number): Promise<Job> {
    for (;;) {
      const job = runner.get(importJobId)
      if (isFinalJobState(job.state)) return job
      if (ctx.signal.aborted) {
        // A studio closing leaves both running for the next start; a cancel ends the import too.
        if (!(ctx.signal.reason instanceof Error && ctx.signal.reason.message === 'shutdown')) runner.cancel(importJobId)
        throw new Error('stopped while bringing the images into the project')
      }
      await new Promise((r) => setTimeout(r, pollMs))
    }
  }

  async function run(ctx: JobContext): Promise<{ message: string }> {
    let payload = ctx.payload as RealSamplePayload
    const s = payload.realSample
    if (ctx.projectId === null) throw new Error('sample job has no project')
    if (!deps.imports) throw new Error('this studio cannot bring sampled images into a project (no folder import)')
    const { run: fineTune, runDir } = finishedRun(s.runJobId)
    const total = s.prompts.length * s.seeds.length
    const name = folderName(ctx.jobId)
    const folder = join(runDir, 'samples', name)
    let importJobId = s.importJobId
    if (importJobId === null) {
      if (!existsSync(join(runDir, 'samples', `${name}.sample.json`))) {
        // Cut off before the last image (studio closed, machine stopped): draw the whole set again.
        if (existsSync(folder)) rmSync(folder, { recursive: true, force: true })
        ctx.progress({ done: 0, total, message: `sampling ${total} images with the fine-tuned weights` })
        const settings = (fineTune.payload as { real: { settings: { cpu: boolean } } }).real.settings
        try {
          await sampleRealRun(
            { envDir: deps.envDir, sourceDir: deps.sourceDir },
            runDir,
            { name, prompts: s.prompts, seeds: s.seeds, steps: s.steps, guidance: s.guidance, cpu: settings.cpu },
            ctx.signal,
            (done) => ctx.progress({ done, total, message: `sampled ${done} of ${total} images` })
          )
        } catch (err) {
          if (ctx.signal.aborted) throw new Error('stopped while sampling')
          throw err
        }
      }
      if (ctx.signal.aborted) throw new Error('stopped before the images were brought into the project')
      importJobId = deps.imports.start(ctx.projectId, folder).id
      payload = { realSample: { ...s, importJobId } }
      ctx.savePayload(payload)
    }
    ctx.progress({ done: total, total, message: `bringing ${total} images into the project` })
    const imported = await awaitImport(ctx, importJobId)
    if (imported.state !== 'done') throw new Error(`bringing the images into the project ${imported.state === 'cancelled' ? 'was cancelled' : `failed: ${imported.error ?? imported.message}`}`)
    const images = ledger.all(importJobId).length
    return { message: `sampled ${total} images of ${fineTune.name ?? `Run ${fineTune.number}`}; ${images} in the project` }
  }

  return {
    run,
    owns: isRealSamplePayload,

    start(projectId: number, r: RealSampleRequest): Job {
      if (!deps.imports) throw new ApiFailure('conflict', 'this studio cannot bring sampled images into a project')
      const { run: fineTune } = finishedRun(r.runJobId, projectId)
      if (new Set(r.prompts).size !== r.prompts.length) throw new ApiFailure('bad_request', 'a prompt is listed twice')
      if (new Set(r.seeds).size !== r.seeds.length) throw new ApiFailure('bad_request', 'a seed is listed twice')
      const payload: RealSamplePayload = { realSample: { ...r, importJobId: null } }
      const total = r.prompts.length * r.seeds.length
      return runner.start('sample', { projectId, total, payload, message: `sampling ${total} images of ${fineTune.name ?? `Run ${fineTune.number}`}` })
    },

    /** The run's sample sets, newest first, each with the images its import brought into the project. */
    list(runJobId: number): RealSampleSet[] {
      const fineTune = ws.jobs.get(runJobId)
      if (!fineTune || !isRealPayload(fineTune.payload)) throw new ApiFailure('bad_request', `run ${runJobId} is not a real-model fine-tune`)
      return ws.jobs
        .list(fineTune.projectId ?? undefined)
        .filter((j) => j.kind === 'sample' && isRealSamplePayload(j.payload) && j.payload.realSample.runJobId === runJobId)
        .sort((a, b) => b.id - a.id)
        .map((j) => {
          const s = (j.payload as RealSamplePayload).realSample
          const images = s.importJobId === null ? [] : ledger.all(s.importJobId)
          return { job: publicJob(j), runJobId, prompts: s.prompts, seeds: s.seeds, steps: s.steps, guidance: s.guidance, images }
        })
    }
  }
}
export type RealSampleJobs = ReturnType<typeof createRealSampleJobs>
