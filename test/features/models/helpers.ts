// A real studio on a temporary workspace for the engine-service tests, with fast progress reports.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Input, Job, MethodName, Output } from '@shared/contract'
import { contract } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import { outputMismatch, type CallContext } from '../../../src-main/core/api/dispatch'
import { openStudio, type Studio, type StudioEngineOptions } from '../../../src-main/core/studio'
import { testConfig } from '../../helpers/config'

export interface TestStudio {
  studio: Studio
  call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>>
  events: Job[]
  close(): Promise<void>
}

export function tempRoot(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function open(workspaceDir: string, engine: StudioEngineOptions = {}): Promise<TestStudio> {
  const studio = await openStudio({ workspaceDir, config: testConfig(), log: () => {}, engine: { progressIntervalMs: 30, baseModelDir: join(workspaceDir, 'no-base'), ...engine } })
  const ctx: CallContext = (await studio.verifyToken(studio.ownerToken))!
  const events: Job[] = []
  studio.onEvent((_name, job) => events.push(job))
  return {
    studio,
    events,
    // Through the contract's schemas, as both transports call it (defaults filled, bad input refused),
    // and the output checked against the contract as dispatch() does with checkOutputs on.
    async call(method, input) {
      const parsed = contract[method].input.parse(input)
      const handler = studio.handlers[method] as (i: unknown, c: CallContext) => unknown
      const value = await handler(parsed, ctx)
      const mismatch = outputMismatch(method, value)
      if (mismatch !== null) throw new Error(mismatch)
      return value as never
    },
    close: () => studio.close()
  }
}

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 40_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Waits until a job has ended (done, failed or cancelled) and returns it. */
export const jobFinished = (s: TestStudio, jobId: number, timeoutMs = 40_000): Promise<Job> =>
  waitFor(
    `job ${jobId} to finish`,
    async () => {
      const job = await s.call('jobs.get', { jobId })
      return isFinalJobState(job.state) ? job : null
    },
    timeoutMs
  )

/** Trains a tiny model to its last step and returns its model id (`run:<job>@<steps>`). */
export async function trainTinyModel(s: TestStudio, projectId: number, opts: { steps: number; batchSize: number; seed: number }): Promise<string> {
  const config = { size: 'tiny' as const, steps: opts.steps, batchSize: opts.batchSize, learningRate: 5e-3, seed: opts.seed, checkpointEvery: opts.steps }
  const train = await s.call('train.start', { projectId, config })
  const trained = await jobFinished(s, train.id)
  if (trained.state !== 'done') throw new Error(`training failed: ${trained.error}`)
  return `run:${train.id}@${opts.steps}`
}

/** Samples `count` images of one prompt (3 steps) and returns their ids and the prompt's id. */
export async function samplePool(s: TestStudio, projectId: number, model: string, prompt: string, seedStart: number, count: number): Promise<{ imageIds: number[]; promptId: number }> {
  const job = await s.call('sample.start', { projectId, model, prompts: [prompt], seedStart, count, steps: 3 })
  const done = await jobFinished(s, job.id)
  if (done.state !== 'done') throw new Error(`sampling failed: ${done.error}`)
  const results = await s.call('sample.results', { jobId: job.id })
  return { imageIds: results.map((r) => r.imageId), promptId: results[0].promptId }
}
