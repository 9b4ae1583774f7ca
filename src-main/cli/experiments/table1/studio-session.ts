// The experiment drives the studio exactly as the app does: every call goes through the contract's
// schemas (same defaults, same refusals) to the owner's handlers, and long work runs as the studio's
// own resumable jobs (acquisition, fine-tuning), which this module waits on with progress lines.
import { contract, type Input, type Job, type MethodName, type Output } from '@shared/contract'
import type { CallContext } from '../../../core/api/dispatch'
import { openStudio, type Studio } from '../../../core/studio'
import { processConfig } from '../../process-config'

export interface StudioSession {
  studio: Studio
  call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>>
  /** Resolves when the job is done; throws when it fails or is cancelled. Paused runs are resumed. */
  waitJob(jobId: number, label: string): Promise<Job>
  close(): Promise<void>
}

export async function openSession(workspaceDir: string, baseModelDir: string, log: (line: string) => void): Promise<StudioSession> {
  // Job-runner chatter goes to the log as indented lines; the experiment's own lines stay readable.
  const studio = await openStudio({ workspaceDir, config: processConfig(), log: (l) => log(`  studio: ${l}`), engine: { progressIntervalMs: 2000, baseModelDir } })
  const ctx: CallContext | null = await studio.verifyToken(studio.ownerToken)
  if (!ctx) {
    await studio.close()
    throw new Error(`the workspace in ${workspaceDir} refused its own owner token`)
  }
  const call = async <M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> => {
    const parsed = contract[method].input.safeParse(input)
    if (!parsed.success) throw new Error(`${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`)
    const handler = studio.handlers[method] as (i: unknown, c: CallContext) => unknown
    return (await handler(parsed.data, ctx)) as Output<M>
  }
  const waitJob = async (jobId: number, label: string): Promise<Job> => {
    let lastLine = ''
    let lastAt = 0
    for (;;) {
      let job = await call('jobs.get', { jobId })
      if (job.state === 'paused' && job.kind === 'train') job = await call('train.resume', { jobId })
      const pct = job.total > 0 ? ` ${Math.floor((100 * job.done) / job.total)}%` : ''
      const line = `${label}${pct} ${job.message}`
      // At most one progress line every 5 s (and every change of state), so a long stage stays legible.
      if (line !== lastLine && (Date.now() - lastAt > 5000 || job.state !== 'running')) {
        log(line)
        lastLine = line
        lastAt = Date.now()
      }
      if (job.state === 'done') return job
      if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`${label}: job ${job.id} ${job.state}${job.error ? `: ${job.error}` : ''}`)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  return { studio, call, waitJob, close: () => studio.close() }
}
