// Rename and delete for projects, prompts, sets and runs (issue 10, housekeeping); pairs, axes,
// reports and annotators have a module each beside this one. What a person has decided is the audit
// trail, so a delete that would erase decisions, a snapshot, a refinement log or an acquisition ledger
// is refused with the reason; a deleted project is hidden, never erased. Every rename and delete is
// written to housekeeping_log with who did it and what the thing was called.
import { rmSync } from 'node:fs'
import type { HousekeepingEntity, HousekeepingImpact } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import type { Workspace } from '../../store/open'
import { runDirOf } from '../models/paths'
import { ACTIVE_STATES, count, housekeepingContext, setLabel } from './context'
import { pairHousekeeping } from './pairs'
import { axisHousekeeping } from './axes'
import { reportHousekeeping } from './reports'
import { annotatorHousekeeping } from './annotators'

export interface HousekeepingOptions {
  /** The folder holding the workspace database; a deleted run's checkpoints and a deleted report's files are removed under it. */
  workspaceDir: string
}

export function createHousekeeping(ws: Workspace, opts: HousekeepingOptions) {
  const ctx = housekeepingContext(ws)
  const { scalar, notFound, refuseIfBlocked } = ctx
  const db = ws.db
  const pairs = pairHousekeeping(ctx)
  const axes = axisHousekeeping(ctx)
  const reports = reportHousekeeping(ctx, opts.workspaceDir)
  const annotators = annotatorHousekeeping(ctx)

  const projectOf = (projectId: number) => ws.projects.get(projectId) ?? notFound('this project')
  const promptOf = (promptId: number) => {
    const prompt = ws.prompts.get(promptId)
    if (!prompt || !ws.projects.get(prompt.projectId)) notFound('this prompt')
    return prompt!
  }
  const setOf = (setId: number) => {
    const set = ws.sets.get(setId)
    if (!set || !ws.projects.get(set.projectId)) notFound('this set')
    return set!
  }
  const runOf = (jobId: number) => {
    const job = ws.jobs.get(jobId)
    if (!job || job.kind !== 'train' || (job.projectId !== null && !ws.projects.get(job.projectId))) notFound('this run')
    return job!
  }
  const runLabel = (j: { name: string | null; number: number }) => j.name ?? `Run ${j.number}`

  // --- What a delete would do, and what stops it ---------------------------------------------

  const projectImpact = (projectId: number): HousekeepingImpact => {
    projectOf(projectId)
    const active = scalar(`SELECT count(*) FROM jobs WHERE project_id = ? AND state IN ${ACTIVE_STATES}`, projectId)
    const blockers = active > 0 ? [`${count(active, 'job')} of this project ${active === 1 ? 'is' : 'are'} still running or paused: cancel or finish ${active === 1 ? 'it' : 'them'} first`] : []
    const decisions = scalar('SELECT count(*) FROM judgements j JOIN set_pairs p ON p.id = j.pair_id WHERE p.project_id = ?', projectId)
    return {
      blockers,
      // Worded to follow "This removes …" before the delete and "Removed …" after it.
      removes: ['the project from every list and screen'],
      keeps: [`its ${count(decisions, 'recorded decision')}, images and runs, in the workspace for the audit trail`]
    }
  }

  const pairsOfSetsSql = (setFilter: string) => `SELECT id FROM set_pairs WHERE set_a IN (${setFilter}) OR set_b IN (${setFilter})`

  const setImpact = (setId: number): HousekeepingImpact => {
    setOf(setId)
    const pairs = pairsOfSetsSql('?')
    const decisions = scalar(`SELECT count(*) FROM judgements WHERE pair_id IN (${pairs})`, setId, setId)
    const snapshots = scalar('SELECT count(DISTINCT snapshot_id) FROM snapshot_items WHERE set_id = ?', setId)
    const chains = scalar('SELECT count(*) FROM mcmc_chains WHERE result_set_id = ?', setId)
    const ledger = scalar('SELECT count(*) FROM acquire_pairs WHERE winner_set_id = ? OR loser_set_id = ?', setId, setId)
    const blockers: string[] = []
    if (decisions > 0) blockers.push(`${count(decisions, 'decision was', 'decisions were')} recorded on pairs with this set; they stay for the audit trail`)
    if (snapshots > 0) blockers.push(`it is part of ${count(snapshots, 'preference snapshot')}`)
    if (chains > 0) blockers.push('it is the result of a refinement chain, whose log refers to it')
    if (ledger > 0) blockers.push('it is in the acquisition ledger')
    const pairCount = scalar(`SELECT count(*) FROM (${pairs})`, setId, setId)
    return { blockers, removes: ['the set', ...(pairCount > 0 ? [`${count(pairCount, 'unlabelled pair')} it is in`] : [])], keeps: ['its images'] }
  }

  const promptImpact = (promptId: number): HousekeepingImpact => {
    promptOf(promptId)
    const sets = 'SELECT id FROM image_sets WHERE prompt_id = ?'
    const decisions = scalar(`SELECT count(*) FROM judgements j JOIN set_pairs p ON p.id = j.pair_id WHERE p.prompt_id = ?`, promptId)
    const snapshots = scalar(`SELECT count(DISTINCT snapshot_id) FROM snapshot_items WHERE set_id IN (${sets}) OR image_id IN (SELECT id FROM images WHERE prompt_id = ?)`, promptId, promptId)
    const chains = scalar('SELECT count(*) FROM mcmc_chains WHERE prompt_id = ?', promptId)
    const acquired = scalar('SELECT count(*) FROM acquire_plan WHERE prompt_id = ? OR neutral_prompt_id = ?', promptId, promptId)
    const specific = scalar('SELECT count(*) FROM prompts WHERE neutral_prompt_id = ?', promptId)
    const elsewhere = scalar(
      'SELECT count(DISTINCT m.set_id) FROM set_members m JOIN images i ON i.id = m.image_id JOIN image_sets s ON s.id = m.set_id WHERE i.prompt_id = ? AND s.prompt_id <> ?',
      promptId,
      promptId
    )
    const blockers: string[] = []
    if (decisions > 0) blockers.push(`${count(decisions, 'decision was', 'decisions were')} recorded on its pairs; they stay for the audit trail`)
    if (snapshots > 0) blockers.push(`its sets or images are part of ${count(snapshots, 'preference snapshot')}`)
    if (chains > 0) blockers.push(`it has ${count(chains, 'refinement chain')}, whose log refers to its images`)
    if (acquired > 0) blockers.push('it is in the acquisition ledger')
    if (specific > 0) blockers.push(`${count(specific, 'identity-specific prompt')} ${specific === 1 ? 'belongs' : 'belong'} to it: delete ${specific === 1 ? 'that' : 'those'} first`)
    if (elsewhere > 0) blockers.push(`its images are in ${count(elsewhere, 'set')} of its neutral prompt: delete ${elsewhere === 1 ? 'that set' : 'those sets'} first`)
    const images = scalar('SELECT count(*) FROM images WHERE prompt_id = ?', promptId)
    const setCount = scalar(`SELECT count(*) FROM (${sets})`, promptId)
    const pairCount = scalar('SELECT count(*) FROM set_pairs WHERE prompt_id = ?', promptId)
    const removes = ['the prompt']
    if (images > 0) removes.push(`${count(images, 'image')} from the project (image files on disk are not touched)`)
    if (setCount > 0) removes.push(count(setCount, 'set'))
    if (pairCount > 0) removes.push(count(pairCount, 'unlabelled pair'))
    return { blockers, removes, keeps: [] }
  }

  const runImpact = (jobId: number): HousekeepingImpact => {
    const job = runOf(jobId)
    const blockers: string[] = []
    if (['queued', 'running', 'paused'].includes(job.state)) blockers.push('the run is still going or paused: cancel it first')
    const model = `run:${jobId}`
    const sampled = scalar("SELECT count(*) FROM images WHERE generator = ? OR generator LIKE ? ESCAPE '\\'", `popalign-studio/${model}`, `popalign-studio/${model}@%`)
    if (sampled > 0) blockers.push(`${count(sampled, 'image was', 'images were')} sampled from it and name it as their model`)
    // A real-model fine-tune's samples (fine-tuning/real/sample-job.ts) are files in its folder, which a delete removes.
    const inFolder = scalar(
      "SELECT count(*) FROM images WHERE json_extract(provenance, '$.fineTuneJob') = ? AND instr(replace(root_path, char(92), '/'), '/runs/' || CAST(? AS INTEGER) || '/samples/') > 0",
      jobId,
      jobId
    )
    if (inFolder > 0) blockers.push(`${count(inFolder, 'image was', 'images were')} sampled from it and kept in its folder`)
    const children = scalar(
      "SELECT count(*) FROM jobs WHERE kind = 'train' AND id <> ? AND (json_extract(payload, '$.init.model') = ? OR json_extract(payload, '$.init.model') LIKE ?)",
      jobId,
      model,
      `${model}@%`
    )
    if (children > 0) blockers.push(`${count(children, 'other run starts', 'other runs start')} from its checkpoints`)
    return { blockers, removes: ['the run, its checkpoints and its training curves'], keeps: [] }
  }

  const impactOf: Record<HousekeepingEntity, (id: number) => HousekeepingImpact> = {
    project: projectImpact,
    prompt: promptImpact,
    set: setImpact,
    run: runImpact,
    pair: pairs.impact,
    axis: axes.impact,
    report: reports.impact,
    annotator: annotators.impact
  }

  // --- Renames and deletes, each with its log row in the same transaction ----------------------

  const renameProject = db.transaction((projectId: number, name: string, by: number) => {
    const before = projectOf(projectId)
    try {
      ws.projects.rename(projectId, name)
    } catch (err) {
      throw new ApiFailure('conflict', (err as Error).message)
    }
    ctx.log(projectId, 'project', projectId, 'rename', before.name, name, by)
    return ws.projects.get(projectId)!
  })
  const deleteProject = db.transaction((projectId: number, by: number) => {
    const before = projectOf(projectId)
    refuseIfBlocked(`project "${before.name}"`, projectImpact(projectId))
    ws.projects.markDeleted(projectId)
    ctx.log(projectId, 'project', projectId, 'delete', before.name, null, by)
  })

  const renamePrompt = db.transaction((promptId: number, text: string, by: number) => {
    const before = promptOf(promptId)
    if (before.text === text) return before
    if (scalar('SELECT count(*) FROM prompts WHERE project_id = ? AND text = ? AND id <> ?', before.projectId, text, promptId) > 0) {
      throw new ApiFailure('conflict', `this project already has the prompt "${text}"`)
    }
    db.prepare('UPDATE prompts SET text = ? WHERE id = ?').run(text, promptId)
    ctx.log(before.projectId, 'prompt', promptId, 'rename', before.text, text, by)
    return ws.prompts.get(promptId)!
  })
  const deletePrompt = db.transaction((promptId: number, by: number) => {
    const before = promptOf(promptId)
    refuseIfBlocked(`prompt "${before.text}"`, promptImpact(promptId))
    // Members first: set_members keeps images from being deleted under a set (ON DELETE RESTRICT).
    db.prepare('DELETE FROM set_members WHERE set_id IN (SELECT id FROM image_sets WHERE prompt_id = ?)').run(promptId)
    db.prepare('DELETE FROM image_sets WHERE prompt_id = ?').run(promptId)
    db.prepare('DELETE FROM images WHERE prompt_id = ?').run(promptId)
    db.prepare('DELETE FROM prompts WHERE id = ?').run(promptId)
    ctx.log(before.projectId, 'prompt', promptId, 'delete', before.text, null, by)
  })

  const renameSet = db.transaction((setId: number, name: string | null, by: number) => {
    const before = setOf(setId)
    ws.sets.rename(setId, name)
    ctx.log(before.projectId, 'set', setId, 'rename', setLabel(before), name ?? `Set ${before.number}`, by)
    return ws.sets.get(setId)!
  })
  const deleteSet = db.transaction((setId: number, by: number) => {
    const before = setOf(setId)
    refuseIfBlocked(setLabel(before), setImpact(setId))
    db.prepare('DELETE FROM image_sets WHERE id = ?').run(setId)
    ctx.log(before.projectId, 'set', setId, 'delete', setLabel(before), null, by)
  })

  const renameRun = db.transaction((jobId: number, name: string | null, by: number) => {
    const before = runOf(jobId)
    ws.jobs.rename(jobId, name)
    ctx.log(before.projectId, 'run', jobId, 'rename', runLabel(before), name ?? `Run ${before.number}`, by)
  })
  const deleteRun = db.transaction((jobId: number, by: number) => {
    const before = runOf(jobId)
    refuseIfBlocked(runLabel(before), runImpact(jobId))
    db.prepare('DELETE FROM jobs WHERE id = ?').run(jobId)
    ctx.log(before.projectId, 'run', jobId, 'delete', runLabel(before), null, by)
  })

  return {
    impact: (entity: HousekeepingEntity, id: number): HousekeepingImpact => impactOf[entity](id),
    renameProject: (projectId: number, name: string, by: number) => renameProject.immediate(projectId, name, by),
    deleteProject: (projectId: number, by: number) => deleteProject.immediate(projectId, by),
    renamePrompt: (promptId: number, text: string, by: number) => renamePrompt.immediate(promptId, text, by),
    deletePrompt: (promptId: number, by: number) => deletePrompt.immediate(promptId, by),
    renameSet: (setId: number, name: string | null, by: number) => renameSet.immediate(setId, name, by),
    deleteSet: (setId: number, by: number) => deleteSet.immediate(setId, by),
    renameRun: (jobId: number, name: string | null, by: number) => renameRun.immediate(jobId, name, by),
    /** Removes the run's row, then its folder (checkpoints, curves); the row goes first so a half-removed folder is never listed. */
    deleteRun(jobId: number, by: number): void {
      deleteRun.immediate(jobId, by)
      rmSync(runDirOf(opts.workspaceDir, jobId), { recursive: true, force: true })
    },
    deletePair: pairs.remove,
    renameAxis: axes.rename,
    deleteAxis: axes.remove,
    renameReport: reports.rename,
    deleteReport: reports.remove,
    renameAnnotator: annotators.rename,
    deleteAnnotator: annotators.remove,
    /** The housekeeping log of a project, newest first. */
    log(projectId: number) {
      return db
        .prepare<[number], { entity: HousekeepingEntity; action: 'rename' | 'delete'; before: string; after: string | null; annotator: string; created_at: string }>(
          `SELECT h.entity, h.action, h.before, h.after, a.name AS annotator, h.created_at FROM housekeeping_log h
           JOIN annotators a ON a.id = h.annotator_id WHERE h.project_id = ? ORDER BY h.id DESC`
        )
        .all(projectId)
        .map((r) => ({ entity: r.entity, action: r.action, before: r.before, after: r.after, by: r.annotator, at: r.created_at }))
    }
  }
}
export type Housekeeping = ReturnType<typeof createHousekeeping>
