// The training lineage of an audited model "run:<jobId>[@<step>]": the run's method and hyperparameters,
// seed, backend and code version as its run record (run.json) pinned them; the base checkpoint it
// started from; and, for preference fine-tuning, the snapshot (content hash, pairs), the annotators
// behind it with their counts and agreement, and the classifier versions its automatic judge used.
// Read when the report is built, so a report states what was true of the run it audited.
import type { AgreementLineage, SnapshotLineage, TrainingLineage } from '../../../shared/audit/report-model'
import type { Workspace } from '../../store/workspace'
import { runDirOf } from '../models/paths'
import { readRunRecord, type RunRecord } from '../models/run-record'
import { parsePayload } from '../models/train-jobs'
import { seededRandom } from '../../random/rng'
import { loadSnapshotContent } from '../preference-data/snapshots/service'
import { bootstrapAlpha, krippendorffAlphaNominal, percentAgreement } from '../../stats/agreement'

/** Resamples of the alpha interval: pairs are few in a snapshot, so this is cheap. */
const ALPHA_RESAMPLES = 500

/** The run id of a model reference, or null for "base". */
export function runIdOf(model: string): number | null {
  const m = /^run:(\d+)/.exec(model)
  return m ? Number(m[1]) : null
}

/** Null when `model` is not a run's checkpoint; throws (naming the run) when its records are unreadable. */
export function trainingLineage(ws: Workspace, workspaceDir: string, model: string, checkpointStep: number | null): TrainingLineage | null {
  const runId = runIdOf(model)
  if (runId === null) return null
  const job = ws.jobs.get(runId)
  if (!job || job.kind !== 'train') throw new Error(`model ${model}: training job ${runId} no longer exists, so its lineage cannot be stated`)
  let payload
  try {
    payload = parsePayload(job.payload)
  } catch (e) {
    throw new Error(`model ${model}: ${(e as Error).message}`)
  }
  // run.json is the run's identity (written once on its first start); the payload is the plan.
  const record = readRunRecord(runDirOf(workspaceDir, runId))
  const config = record?.config ?? payload.config
  const objective = record?.finetune ?? payload.finetune?.objective ?? null
  const init = record?.init ?? payload.init
  const snapshotId = record?.data.source === 'snapshot' ? record.data.snapshotId : (payload.finetune?.snapshot.id ?? null)
  return {
    runId,
    label: job.name ?? `Run ${job.number}`,
    method: objective?.method ?? 'pretrain',
    preset: record?.finetune?.preset ?? payload.finetune?.preset ?? null,
    beta: objective && objective.method !== 'sft' ? objective.beta : null,
    alpha: objective && objective.method === 'popalign' ? objective.alpha : null,
    steps: config.steps,
    checkpointStep,
    seed: record?.seed ?? config.seed,
    backend: record?.backend ?? null,
    codeVersion: record?.codeVersion ?? null,
    base: 'checkpoint' in init ? { model: init.model, checkpoint: init.checkpoint, step: init.step } : null,
    snapshot: snapshotId === null ? null : snapshotLineage(ws, snapshotId, record?.data.source === 'snapshot' ? record.data : null, payload.finetune?.snapshot.contentSha256 ?? null)
  }
}

/**
 * The lineage a run folder's run.json states by itself, for audits outside a workspace (the headless
 * CLI given a checkpoint from <workspace>/runs/<id>/): everything but the snapshot's contents, which
 * live in the workspace database; the snapshot's id and content hash go into the one-line `run` text.
 */
export function recordLineage(record: RunRecord, checkpointStep: number | null): { training: TrainingLineage; run: string } {
  const objective = record.finetune ?? null
  const training: TrainingLineage = {
    runId: record.jobId,
    method: objective?.method ?? 'pretrain',
    preset: objective?.preset ?? null,
    beta: objective && objective.method !== 'sft' ? objective.beta : null,
    alpha: objective && objective.method === 'popalign' ? objective.alpha : null,
    steps: record.config.steps,
    checkpointStep,
    seed: record.seed,
    backend: record.backend,
    codeVersion: record.codeVersion,
    base: 'checkpoint' in record.init ? { model: record.init.model, checkpoint: record.init.checkpoint, step: record.init.step } : null,
    snapshot: null
  }
  const data = record.data.source === 'snapshot' ? `snapshot #${record.data.snapshotId} (sha256 ${record.data.contentSha256}, ${record.data.pairs} winner-loser image pairs)` : 'the built-in world'
  return { training, run: `run ${record.jobId}: ${training.method} on ${data}, from its run.json` }
}

function snapshotLineage(ws: Workspace, snapshotId: number, recorded: { contentSha256: string; pairs: number } | null, expectedHash: string | null): SnapshotLineage {
  let content
  try {
    content = loadSnapshotContent(ws, snapshotId)
  } catch (e) {
    throw new Error(`snapshot ${snapshotId} of the audited run cannot be read: ${(e as Error).message}`)
  }
  const s = content.snapshot
  const pinned = recorded?.contentSha256 ?? expectedHash
  // Snapshots are immutable; a different hash means the database was replaced under the run.
  if (pinned !== null && pinned !== s.contentSha256) {
    throw new Error(`snapshot ${snapshotId} now has content hash ${s.contentSha256.slice(0, 12)}…, but the run trained on ${pinned.slice(0, 12)}…; the lineage would be wrong`)
  }
  return {
    id: s.id,
    name: s.name,
    criterion: s.criterion,
    contentSha256: s.contentSha256,
    pairsUsed: s.counts.pairsUsed,
    pairsJudged: s.counts.pairsJudged,
    trainingPairs: recorded?.pairs ?? null,
    annotators: s.sources.annotators.map((a) => ({ id: a.id, name: a.name, kind: a.kind, judgements: a.judgements })),
    agreement: agreementOf(
      content.pairs.map((p) => p.votes.filter((v) => v.choice !== 'cant_judge').map((v) => v.choice as string)),
      snapshotId
    ),
    acquisitionClassifiers: (s.sources.classifier?.versions ?? []).map((v) => ({ id: v.classifierId, version: v.classifierVersion, images: v.images }))
  }
}

/** Agreement over the snapshot's pairs judged by two or more annotators ("can't judge" is missing data). */
function agreementOf(units: string[][], seed: number): AgreementLineage {
  const pairs = units.filter((u) => u.length >= 2).length
  const ci = bootstrapAlpha(units, ALPHA_RESAMPLES, seededRandom(seed))
  return { pairs, percent: percentAgreement(units), alpha: krippendorffAlphaNominal(units), alphaLow: ci?.low ?? null, alphaHigh: ci?.high ?? null }
}

/**
 * The schema-1 lineage fields (one-line texts), kept filled for readers of those fields, next to the
 * structured `training` they are written from.
 */
export function legacyLineage(
  source: { kind: 'model' | 'images'; model: string | null },
  training: TrainingLineage | null
): { run: string | null; snapshot: string | null; annotators: string[]; agreement: number | null; training: TrainingLineage | null } {
  const s = training?.snapshot ?? null
  return {
    run: training ? `training job ${training.runId} (${training.method})` : source.model === 'base' ? 'shipped base model' : null,
    snapshot: s ? `#${s.id} "${s.name}" sha256 ${s.contentSha256}` : null,
    annotators: s ? s.annotators.map((a) => `${a.name} (${a.judgements})`) : [],
    agreement: s?.agreement.alpha ?? null,
    training: source.kind === 'model' ? training : null
  }
}
