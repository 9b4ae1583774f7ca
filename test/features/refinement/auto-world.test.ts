// The automatic and mixed judges end to end through the studio: world renders written with the
// world's own sample writer are imported, classified by the built-in classifier (classify job), and
// an automatic chain moves its set's attribute distribution toward the target; a mixed chain hands a
// person the proposals involving an astronaut render, which the classifier cannot see.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SILHOUETTES, TONES } from '../../../src-main/core/world/taxonomy'
import { writeWorldSample } from '../../../src-main/core/world/sample-folder'
import { isFinalJobState } from '@shared/job-states'
import { open, tempRoot, waitFor, type TestStudio } from '../models/helpers'

const DOCTOR = 'a photo of a doctor'
const root = tempRoot('mcmc-world-')
let s: TestStudio
let projectId = 0
let promptId = 0
let astronautId = 0

const finished = async (jobId: number) => {
  const job = await waitFor(`job ${jobId} to finish`, async () => {
    const j = await s.call('jobs.get', { jobId })
    return isFinalJobState(j.state) ? j : null
  })
  if (job.state !== 'done') throw new Error(`job ${jobId} ${job.state}: ${job.error}`)
}

beforeAll(async () => {
  const folder = join(root.dir, 'renders')
  await writeWorldSample({ outDir: folder, prompts: [DOCTOR], perPrompt: 16, seed: 4 })
  // One astronaut rendered for the doctor prompt (a model that drew the wrong concept): its sidecar
  // files it under the doctor prompt, so it is in the chains' pool.
  const [astro] = await writeWorldSample({ outDir: folder, prompts: ['a photo of an astronaut'], perPrompt: 1, seed: 4 })
  const sidecar = join(folder, astro.file_path.replace(/\.png$/, '.json'))
  writeFileSync(sidecar, JSON.stringify({ ...JSON.parse(readFileSync(sidecar, 'utf8')), prompt: DOCTOR }))

  s = await open(join(root.dir, 'ws'))
  projectId = (await s.call('projects.create', { name: 'World' })).id
  await s.call('axes.save', { projectId, name: 'silhouette', classes: [...SILHOUETTES] })
  await s.call('axes.save', { projectId, name: 'tone', classes: [...TONES] })
  await finished((await s.call('import.start', { projectId, folder })).id)
  const prompt = (await s.call('prompts.list', { projectId })).find((p) => p.text === DOCTOR)!
  promptId = prompt.id
  expect(prompt.imageCount).toBe(17)
  await finished((await s.call('classify.start', { projectId })).id)
  const images = s.studio.workspace.images.idsOfPrompt(promptId).map((id) => s.studio.workspace.images.get(id)!)
  astronautId = images.find((i) => i.filePath.endsWith(astro.file_path))!.id
}, 120_000)

afterAll(async () => {
  await s?.close()
  root.remove()
})

describe('classifier judges on classified world renders', () => {
  it('auto: the set moves toward the target (the L2 distance decreases) and every step is logged with its distances', async () => {
    // A starting set the judge can improve: every member seen, and some tone twice (import order, and
    // so which image gets which id, is not fixed, so the seed is searched rather than hard-coded).
    let chain = await s.call('mcmc.start', { projectId, promptId, size: 4, judge: 'auto', seed: 0 })
    for (let seed = 1; seed < 50; seed++) {
      const tally = (await s.call('mcmc.get', { chainId: chain.id, tally: true })).tally!
      if (tally.every((t) => t.unseen === 0) && Math.max(...tally[1].counts.map((c) => c.count)) >= 2) break
      chain = await s.call('mcmc.start', { projectId, promptId, size: 4, judge: 'auto', seed })
    }
    const run = await s.call('mcmc.runAuto', { chainId: chain.id, maxSteps: 80, stopAtEnd: true })
    expect(run.chain.state).toBe('finished')
    const log = await s.call('mcmc.log', { chainId: chain.id })
    const judged = log.filter((e) => e.decision !== 'stop')
    expect(judged.length).toBeGreaterThan(0)
    const start = judged[0].distanceBefore!
    const accepted = judged.filter((e) => e.decision === 'accept')
    expect(accepted.length).toBeGreaterThan(0)
    const end = accepted.at(-1)!.distanceAfter!
    expect(end).toBeLessThan(start)
    // Never a step away from the target: each accepted distance is below the one before it.
    for (let i = 1; i < accepted.length; i++) expect(accepted[i].distanceAfter!).toBeLessThan(accepted[i - 1].distanceAfter!)
    // The refined set is saved and its tally is what the distances say.
    const after = await s.call('mcmc.get', { chainId: chain.id, tally: true })
    expect(after.resultSetId).not.toBeNull()
    expect(after.tally!.map((t) => t.axis)).toEqual(['silhouette', 'tone'])
  }, 60_000)

  it('mixed: a proposal involving the astronaut (no_detection) goes to a person, every other one to the classifier', async () => {
    const summary = await s.call('classify.summary', { projectId })
    expect(JSON.stringify(summary)).toMatch(/no_detection/)
    const chain = await s.call('mcmc.start', { projectId, promptId, size: 4, judge: 'mixed', seed: 8 })
    let current = chain
    let humanTurns = 0
    for (let round = 0; round < 60 && humanTurns < 2 && current.state === 'running'; round++) {
      const run = await s.call('mcmc.runAuto', { chainId: chain.id, maxSteps: 5, stopAtEnd: false })
      current = run.chain
      if (run.needsHuman) {
        expect(current.awaiting).toBe('human')
        const p = current.proposal!
        expect([p.inImageId, p.outImageId]).toContain(astronautId)
        humanTurns++
        current = await s.call('mcmc.decide', { chainId: chain.id, decision: 'reject', step: current.step, idempotencyKey: `astro-${round}-reject` })
      }
    }
    expect(humanTurns).toBeGreaterThan(0)
    for (const e of await s.call('mcmc.log', { chainId: chain.id })) {
      const astronaut = e.proposal !== null && (e.proposal.inImageId === astronautId || e.proposal.outImageId === astronautId)
      expect(e.judgeKind).toBe(astronaut ? 'human' : 'auto')
    }
  }, 60_000)
})
