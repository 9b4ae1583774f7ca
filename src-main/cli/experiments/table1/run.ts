// "Table 1 in miniature": the whole PopAlign loop on the built-in world in one resumable run.
//   1 workspace   a fresh studio workspace in <workdir>/workspace with the world's taxonomy
//   2 acquire     preferences from the base model over the training prompts (studio acquisition job)
//   3 snapshot    the judged set pairs frozen into an immutable snapshot
//   4 fine-tune   PopAlign and SFT from that snapshot and the same base (studio training jobs)
//   5 evaluate    base, SFT, PopAlign on held-out neutral and identity-specific prompts
//   6 table       discrepancy, recall, concept accuracy, Frechet distance -> table1.json + table1.md
// Each stage's output stays in <workdir>; a re-run with the same flags skips what is finished.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { copyFileAtomicSync } from '../../../core/fs/atomic-write'
import { basename, join, resolve } from 'node:path'
import { BASE_CHECKPOINT_FILE } from '../../../core/features/models/paths'
import { checkpointConfig } from '../../../core/features/preference-data/acquire/sample-model'
import { evaluateModel, readJson, referenceSet, type ModelEvaluation, type ReferenceSet } from './evaluate'
import { renderMarkdown } from './markdown'
import { validateSettings, type Table1Settings } from './options'
import { acquire, ensureProject, finetune, snapshot, type AcquireOutput, type FinetuneOutput, type SnapshotOutput } from './preference-stages'
import { buildPrompts } from './prompts'
import type { Table1Result } from './result'
import { StageStore, stageKey } from './stages'
import { openSession, type StudioSession } from './studio-session'
import { writeContactSheets } from './sheets'
import { buildRows } from './table'
import { checkTargets } from './targets'

export interface Table1Request {
  workdir: string
  /** The base model checkpoint (a training checkpoint of the world DiT). */
  base: string
  settings: Table1Settings
  log: (line: string) => void
}

export interface Table1Outcome {
  result: Table1Result
  jsonPath: string
  markdownPath: string
  markdown: string
}

export const RESULT_JSON = 'table1.json'
export const RESULT_MD = 'table1.md'

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/**
 * The base checkpoint is copied into <workdir>/base-model/base.ckpt: the studio resolves "base" there
 * (fine-tunes start from it and keep it as their frozen reference), and a later change of the source
 * file cannot silently change what a resumed run compares against.
 */
function installBase(workdir: string, base: string): { path: string; sha256: string; dir: string } {
  const source = resolve(base)
  if (!existsSync(source)) throw new Error(`base checkpoint not found: ${source} (train it with src-main/cli/train-base.ts, or give --base PATH)`)
  try {
    checkpointConfig(source)
  } catch (err) {
    throw new Error(`base checkpoint ${source} cannot be used: ${(err as Error).message}`)
  }
  const dir = join(workdir, 'base-model')
  const dest = join(dir, BASE_CHECKPOINT_FILE)
  const sha256 = sha256File(source)
  if (existsSync(dest)) {
    if (sha256File(dest) !== sha256) throw new Error(`${dest} holds another base model than ${source}; use a new --workdir for another base`)
  } else {
    mkdirSync(dir, { recursive: true })
    copyFileAtomicSync(source, dest)
  }
  return { path: source, sha256, dir }
}

/**
 * Runs the stages that do not depend on the fine-tune settings (workspace, acquisition, snapshot, the
 * real renders, the base model's evaluation) and stops: the slow shared part of a seed can be done
 * while settings are still being chosen on the development seeds. It reports no figure.
 */
export async function prepareTable1(req: Table1Request): Promise<void> {
  await execute(req, true)
}

export async function runTable1(req: Table1Request): Promise<Table1Outcome> {
  return (await execute(req, false)) as Table1Outcome
}

async function execute(req: Table1Request, prepareOnly: boolean): Promise<Table1Outcome | null> {
  const { settings, log } = req
  validateSettings(settings)
  const prompts = buildPrompts(settings)
  const workdir = resolve(req.workdir)
  mkdirSync(workdir, { recursive: true })
  const base = installBase(workdir, req.base)
  const baseCheckpoint = join(base.dir, BASE_CHECKPOINT_FILE)
  const stages = new StageStore(workdir, { baseSha256: base.sha256 }, log)
  const total = 10
  let n = 0
  const label = (what: string): string => `[table1 ${++n}/${total}] ${what}`

  // Stages 1-4 run through the studio; the session is opened only if one of them is left to do.
  let session: StudioSession | null = null
  const studio = async (): Promise<StudioSession> => (session ??= await openSession(join(workdir, 'workspace'), base.dir, log))
  let project: { projectId: number }
  let acq: AcquireOutput
  let snap: SnapshotOutput
  let pop: FinetuneOutput
  let sft: FinetuneOutput
  // What each stage depends on: a change re-runs that stage and those after it, nothing before.
  const acquireKey = stageKey('acquire', {
    seed: settings.seed,
    train: prompts.train,
    acquire: settings.acquire,
    sampling: settings.sampling,
    ...(settings.acquireClassifier === 'builtin' ? {} : { classifier: settings.acquireClassifier })
  })
  // Constant weighting is left out of the key, so runs made before the weighting was a setting are kept.
  const { weighting, ...finetuneRest } = settings.finetune
  const finetuneKeyed = weighting === 'constant' ? finetuneRest : settings.finetune
  const finetuneInputs = { acquireKey, seed: settings.seed, finetune: finetuneKeyed }
  // SFT has no reference term: beta and alpha do not change it, so trying another beta keeps its run.
  const { beta: _beta, alpha: _alpha, ...sftSettings } = finetuneKeyed
  const sftInputs = { acquireKey, seed: settings.seed, finetune: sftSettings }
  // format 2: the evaluation files keep the sampled pixels (fidelity figure, contact sheets).
  const evalInputs = { format: 2, seed: settings.seed, prompts: { neutral: prompts.heldOutNeutral, specific: prompts.specific }, evaluation: settings.evaluation, sampling: settings.sampling }
  try {
    project = await stages.run(stageKey('workspace', { acquireKey }), label('workspace and project'), async () => ensureProject(await studio(), acquireKey))
    acq = await stages.run(acquireKey, label(`acquire preferences (${prompts.train.length} training prompts)`), async () =>
      acquire(await studio(), project.projectId, settings, prompts.train, baseCheckpoint)
    )
    snap = await stages.run(stageKey('snapshot', { acquireKey }), label('snapshot'), async () => snapshot(await studio(), project.projectId))
    // Prepare-only runs stop before the fine-tunes; nothing below reads pop or sft then.
    pop = prepareOnly
      ? (null as unknown as FinetuneOutput)
      : await stages.run(stageKey('finetune-popalign', finetuneInputs), label(`fine-tune PopAlign (${settings.finetune.steps} steps)`), async () =>
          finetune(await studio(), project.projectId, snap.snapshotId, 'popalign', settings)
        )
    sft = prepareOnly
      ? (null as unknown as FinetuneOutput)
      : await stages.run(stageKey('finetune-sft', sftInputs), label(`fine-tune SFT (${settings.finetune.steps} steps)`), async () =>
          finetune(await studio(), project.projectId, snap.snapshotId, 'sft', settings)
        )
  } finally {
    if (session) await (session as StudioSession).close()
  }

  const evalDir = join(workdir, 'eval')
  const e = settings.evaluation
  const refKey = stageKey('reference', evalInputs)
  const refFile = await stages.run(refKey, label('real renders of the evaluation prompts'), () =>
    referenceSet(evalDir, refKey, prompts.heldOutNeutral, e.neutralPerPrompt, prompts.specific, e.specificPerPrompt, settings.seed)
  )
  const models: [string, string, unknown][] = prepareOnly
    ? [['base', baseCheckpoint, null]]
    : [
        ['base', baseCheckpoint, null],
        ['sft', sft.checkpoint, sftInputs],
        ['popalign', pop.checkpoint, finetuneInputs]
      ]
  const evalFiles: string[] = []
  const timingKeys: [string, string][] = [
    ['workspace', stageKey('workspace', { acquireKey })],
    ['acquire', acquireKey],
    ['snapshot', stageKey('snapshot', { acquireKey })],
    ['finetune-popalign', stageKey('finetune-popalign', finetuneInputs)],
    ['finetune-sft', stageKey('finetune-sft', sftInputs)],
    ['reference', refKey]
  ]
  for (const [model, checkpoint, trained] of models) {
    const images = prompts.heldOutNeutral.length * e.neutralPerPrompt + prompts.specific.length * e.specificPerPrompt
    // The checkpoint file is part of the key: a fine-tune run again (a new job) must be evaluated again.
    const key = stageKey(`evaluate-${model}`, { evalInputs, trained, checkpoint })
    timingKeys.push([`evaluate-${model}`, key])
    evalFiles.push(
      await stages.run(key, label(`evaluate ${model} (${images} images)`), () =>
        evaluateModel({
          model,
          fileName: key,
          checkpoint,
          neutralPrompts: prompts.heldOutNeutral,
          neutralPerPrompt: e.neutralPerPrompt,
          specificPrompts: prompts.specific,
          specificPerPrompt: e.specificPerPrompt,
          seed: settings.seed,
          sampling: settings.sampling,
          outDir: evalDir,
          log
        })
      )
    )
  }

  if (prepareOnly) {
    log('prepared: acquisition, snapshot, renders and the base evaluation are done; no figure is reported')
    return null
  }
  // The table is always rebuilt from the kept evaluations (cheap), so its file matches this code.
  log(label('table'))
  const t0 = performance.now()
  const evals = evalFiles.map((f) => readJson<ModelEvaluation>(f))
  const sheets = await writeContactSheets(workdir, evals)
  const rows = await buildRows(evals, readJson<ReferenceSet>(refFile), { resamples: e.resamples, frechetResamples: e.frechetResamples, seed: settings.seed })
  const records = stages.records()
  const timings = timingKeys.map(([stage, key]) => ({ stage, seconds: records[key]?.seconds ?? 0 }))
  timings.push({ stage: 'table', seconds: (performance.now() - t0) / 1000 })
  const result: Table1Result = {
    format: 'popalign.table1',
    version: 1,
    settings,
    base: { path: base.path, sha256: base.sha256 },
    prompts,
    acquisition: acq,
    snapshot: snap,
    runs: { popalign: pop, sft },
    rows,
    targets: checkTargets(rows),
    timings,
    sheets: sheets.map((f) => basename(f))
  }
  const jsonPath = join(workdir, RESULT_JSON)
  const markdownPath = join(workdir, RESULT_MD)
  const markdown = renderMarkdown(result)
  writeFileSync(jsonPath, JSON.stringify(result, null, 2) + '\n')
  writeFileSync(markdownPath, markdown)
  return { result, jsonPath, markdownPath, markdown }
}
