// A classifier-judged chain over images nobody classified yet (a newcomer starts the automatic judge
// straight after an import): the chain reads every image it is about to judge with its classifier
// first, the current set's members and the entering image alike, so each distance is over the whole
// set. Before, only images the chain sampled itself were read: the judge measured the few members
// that happened to have verdicts, an unmeasurable start accepted any swap, and the journey's chain then
// rejected almost everything at a distance over a subset (issue 10, the second-hour journey).
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { classificationsRepo } from '../../../src-main/core/store/repos/classifications'
import { setDistance, targetOf } from '../../../src-main/core/features/refinement/auto-judge'
import { applyProposal } from '../../../src-main/core/features/refinement/proposal'
import { SILHOUETTES, TONES } from '../../../src-main/core/world/taxonomy'
import { writeWorldSample } from '../../../src-main/core/world/sample-folder'
import { isFinalJobState } from '@shared/job-states'
import { open, tempRoot, waitFor } from '../models/helpers'

const DOCTOR = 'a photo of a doctor'
const root = tempRoot('mcmc-pool-classified-')
afterAll(() => root.remove())

describe('a classifier-judged chain over unclassified images', () => {
  it('reads the set and each entering image before judging, so every distance is over the whole set', async () => {
    const folder = join(root.dir, 'renders')
    await writeWorldSample({ outDir: folder, prompts: [DOCTOR], perPrompt: 12, seed: 9 })
    const s = await open(join(root.dir, 'ws'))
    try {
      const ws = s.studio.workspace
      const projectId = (await s.call('projects.create', { name: 'Unclassified' })).id
      await s.call('axes.save', { projectId, name: 'silhouette', classes: [...SILHOUETTES] })
      await s.call('axes.save', { projectId, name: 'tone', classes: [...TONES] })
      const job = await s.call('import.start', { projectId, folder })
      const done = await waitFor('the import', async () => {
        const j = await s.call('jobs.get', { jobId: job.id })
        return isFinalJobState(j.state) ? j : null
      })
      expect(done.state).toBe('done')
      const promptId = (await s.call('prompts.list', { projectId }))[0].id
      const verdicts = classificationsRepo(ws.db)
      expect(ws.images.idsOfPrompt(promptId).filter((id) => verdicts.latest(id) !== null)).toEqual([])

      const chain = await s.call('mcmc.start', { projectId, promptId, size: 4, judge: 'auto', seed: 5 })
      const run = await s.call('mcmc.runAuto', { chainId: chain.id, maxSteps: 6, stopAtEnd: false })
      expect(run.decided).toBe(6)
      const log = await s.call('mcmc.log', { chainId: chain.id })
      const target = ws.axes.list(projectId).map(targetOf)
      let members = chain.imageIds
      for (const id of members) expect(verdicts.latest(id), `verdict of starting member ${id}`).not.toBeNull()
      for (const entry of log) {
        const proposed = applyProposal(members, entry.proposal!)
        expect(verdicts.latest(entry.proposal!.inImageId), `verdict of entering image ${entry.proposal!.inImageId}`).not.toBeNull()
        // World renders are all seen by the built-in classifier: both distances are over four members.
        expect(entry.distanceBefore).not.toBeNull()
        expect(entry.distanceBefore).toBeCloseTo(
          setDistance(
            members.map((id) => verdicts.latest(id)),
            target
          ),
          9
        )
        expect(entry.distanceAfter).toBeCloseTo(
          setDistance(
            proposed.map((id) => verdicts.latest(id)),
            target
          ),
          9
        )
        if (entry.decision === 'accept') members = proposed
      }
      const tally = (await s.call('mcmc.get', { chainId: chain.id, tally: true })).tally!
      expect(tally.map((t) => t.unseen)).toEqual([0, 0])
    } finally {
      await s.close()
    }
  }, 60_000)
})
