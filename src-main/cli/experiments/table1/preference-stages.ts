// Stages 1-4 of the loop, through the studio: a project with the world's taxonomy, automated
// preference acquisition from the base model over the training prompts, an immutable snapshot, and
// PopAlign and SFT fine-tunes from that snapshot and the same base. Each stage first looks for work a
// killed earlier attempt left in the workspace (a job the runner has resumed, a snapshot already taken)
// and adopts it, so a resume never starts a second acquisition or a second run of a method.
import type { FinetuneMethodName } from '@shared/contract'
import { WORLD_AXES } from '../../../core/world'
import type { Table1Settings } from './options'
import type { StudioSession } from './studio-session'

export const PROJECT_NAME = 'Table 1 in miniature'
const SNAPSHOT_NAME = 'table1 acquisition'

/** One project per acquisition setting (`tag`), so a snapshot never mixes judgements of two acquisitions. */
export async function ensureProject(s: StudioSession, tag: string): Promise<{ projectId: number }> {
  const name = `${PROJECT_NAME} (${tag})`
  const existing = (await s.call('projects.list', {})).find((p) => p.name === name)
  const projectId = existing?.id ?? (await s.call('projects.create', { name, description: 'PopAlign Table 1 in miniature (cli/table1.ts)' })).id
  for (const axis of WORLD_AXES) await s.call('axes.save', { projectId, name: axis.name, classes: [...axis.classes], ideal: null })
  return { projectId }
}

export interface AcquireOutput {
  jobId: number
  pairs: number
  swapped: number
  kept: { neutral: number; augmented: number }
  drops: Record<string, number>
  message: string
}

export async function acquire(s: StudioSession, projectId: number, settings: Table1Settings, trainPrompts: string[], baseCheckpoint: string): Promise<AcquireOutput> {
  const earlier = (await s.call('jobs.list', { projectId })).filter((j) => j.kind === 'acquire' && j.state !== 'failed' && j.state !== 'cancelled')
  const job =
    earlier[0] ??
    (await s.call('acquire.start', {
      projectId,
      neutralPrompts: trainPrompts,
      checkpoint: baseCheckpoint,
      nPerNeutral: settings.acquire.nPerNeutral,
      mPerSpecific: settings.acquire.mPerSpecific,
      k: settings.acquire.k,
      pairsPerPrompt: settings.acquire.pairsPerPrompt,
      seed: settings.seed,
      sampling: settings.sampling,
      classifier: settings.acquireClassifier
    }))
  const done = await s.waitJob(job.id, 'acquire')
  const ledger = await s.call('acquire.ledger', { jobId: job.id })
  if (ledger.pairs === 0) {
    throw new Error(`acquisition built no set pairs (drops: ${JSON.stringify(ledger.counts)}); the base model's images did not pass the classifier gate`)
  }
  return { jobId: job.id, pairs: ledger.pairs, swapped: ledger.swapped, kept: ledger.kept, drops: ledger.counts, message: done.message }
}

export interface SnapshotOutput {
  snapshotId: number
  contentSha256: string
  counts: unknown
}

export async function snapshot(s: StudioSession, projectId: number): Promise<SnapshotOutput> {
  const earlier = (await s.call('snapshots.list', { projectId })).find((x) => x.name === SNAPSHOT_NAME)
  const snap = earlier ? await s.call('snapshots.get', { snapshotId: earlier.id }) : await s.call('snapshots.create', { projectId, criterion: 'fairness', name: SNAPSHOT_NAME })
  return { snapshotId: snap.id, contentSha256: snap.contentSha256, counts: snap.counts }
}

export interface FinetuneOutput {
  method: FinetuneMethodName
  jobId: number
  modelId: string
  checkpoint: string
  final: { loss: number | null; implicitAccuracy: number | null; rewardMargin: number | null }
  /**
   * What the studio's divergence guard did: rollbacks (each halves the learning rate), and whether it
   * stopped the run; a stopped run is evaluated at the last good checkpoint it kept, as a user of the
   * studio would be left with. Absent in runs recorded before the guard existed.
   */
  guard?: { rollbacks: number; stoppedAtStep: number | null; checkpointStep: number; learningRate: number; events: string[] }
}

/**
 * A run the guard stopped keeps its last good checkpoint, or none when that was the start (step 0): the
 * user is then left with the model the run started from. Any other failure is an error.
 */
async function guardStopped(s: StudioSession, jobId: number): Promise<boolean> {
  const m = await s.call('finetune.metrics', { jobId })
  return m.guard.some((e) => e.action === 'stop')
}

export async function finetune(s: StudioSession, projectId: number, snapshotId: number, method: FinetuneMethodName, settings: Table1Settings): Promise<FinetuneOutput> {
  const f = settings.finetune
  // A run left by a killed attempt is adopted only if it was started with these very settings; a run
  // the divergence guard stopped is adopted too (running it again would stop at the same batch).
  const listed = (await s.call('runs.list', { projectId })).filter((r) => r.method === method && r.snapshotId === snapshotId && r.state !== 'cancelled')
  const candidates = []
  for (const r of listed) if (r.state !== 'failed' || (await guardStopped(s, r.jobId))) candidates.push(r)
  const configs = candidates.length > 0 ? await s.call('runs.compare', { runIds: candidates.map((r) => r.jobId) }) : []
  const earlier = configs.find(
    (c) =>
      c.config !== null &&
      c.config.steps === f.steps &&
      c.config.batchSize === f.batchSize &&
      c.config.learningRate === f.learningRate &&
      (c.config.beta === null || c.config.beta === f.beta) &&
      (c.config.alpha === null || c.config.alpha === f.alpha) &&
      c.config.condDropout === f.condDropout &&
      c.config.weighting === f.weighting &&
      c.config.seed === settings.seed
  )
  const jobId =
    earlier?.jobId ??
    (
      await s.call('finetune.start', {
        projectId,
        snapshotId,
        base: 'base',
        method,
        preset: 'paper-scaled',
        // Same seed, steps, batch and lr for both methods; beta and alpha only matter to PopAlign.
        settings: {
          steps: f.steps,
          batchSize: f.batchSize,
          learningRate: f.learningRate,
          beta: f.beta,
          alpha: f.alpha,
          condDropout: f.condDropout,
          seed: settings.seed,
          checkpointEvery: f.checkpointEvery,
          weighting: f.weighting
        }
      })
    ).id
  try {
    await s.waitJob(jobId, `fine-tune ${method}`)
  } catch (err) {
    if (!(await guardStopped(s, jobId))) throw err
  }
  const metrics = await s.call('finetune.metrics', { jobId })
  const stop = metrics.guard.find((e) => e.action === 'stop')
  if (!metrics.checkpoint && !(stop && stop.toStep === 0)) throw new Error(`fine-tune ${method} (run ${jobId}) finished without a checkpoint`)
  // Stopped before its first checkpoint: what the run leaves is the base model it started from.
  const modelId = metrics.checkpoint ? metrics.checkpoint.modelId : 'base'
  const entry = (await s.call('models.list', {})).find((m) => m.id === modelId)
  if (!entry) throw new Error(`fine-tune ${method}: model ${modelId} is not in the catalog`)
  const [cmp] = await s.call('runs.compare', { runIds: [jobId] })
  return {
    method,
    jobId,
    modelId,
    checkpoint: entry.path,
    final: { loss: cmp.final.loss, implicitAccuracy: cmp.final.implicitAccuracy, rewardMargin: cmp.final.rewardMargin },
    guard: {
      rollbacks: metrics.guard.filter((e) => e.action === 'rollback').length,
      stoppedAtStep: stop ? stop.step : null,
      checkpointStep: metrics.checkpoint ? entry.step : 0,
      learningRate: metrics.guard.at(-1)?.learningRate ?? f.learningRate,
      events: metrics.guard.map((e) => e.reason)
    }
  }
}
