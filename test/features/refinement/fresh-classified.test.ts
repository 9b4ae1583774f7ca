// A classifier-judged chain whose starting set and proposals are freshly sampled from the shipped base
// model: every image the chain samples is classified by the built-in classifier before it is judged,
// so the judge measures real distances (it used to see the fresh image as unseen and reject every
// swap at an unchanged distance).
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { classificationsRepo } from '../../../src-main/core/store/repos/classifications'
import { setDistance, targetOf } from '../../../src-main/core/features/refinement/auto-judge'
import { applyProposal } from '../../../src-main/core/features/refinement/proposal'
import { SILHOUETTES, TONES } from '../../../src-main/core/world/taxonomy'
import { open, samplePool, tempRoot } from '../models/helpers'

const root = tempRoot('mcmc-fresh-classified-')
afterAll(() => root.remove())

describe('a classifier-judged chain with fresh proposals', () => {
  it('classifies each fresh image before judging it, and judges on the distances the verdicts give', async () => {
    const s = await open(join(root.dir, 'ws'), { baseModelDir: resolve(__dirname, '../../../resources/models/base') })
    try {
      const ws = s.studio.workspace
      const projectId = (await s.call('projects.create', { name: 'Fresh judged' })).id
      await s.call('axes.save', { projectId, name: 'silhouette', classes: [...SILHOUETTES] })
      await s.call('axes.save', { projectId, name: 'tone', classes: [...TONES] })
      // One sampled image gives the project its prompt; the chain samples everything else itself.
      const { promptId } = await samplePool(s, projectId, 'base', 'a photo of a doctor', 500, 1)
      const sampling = { model: 'base', steps: 10 }
      const chain = await s.call('mcmc.start', { projectId, promptId, size: 4, judge: 'auto', seed: 3, start: 'generate', proposals: 'sample', sampling })
      const run = await s.call('mcmc.runAuto', { chainId: chain.id, maxSteps: 6, stopAtEnd: false })
      expect(run.decided).toBe(6)

      const verdicts = classificationsRepo(ws.db)
      const target = ws.axes.list(projectId).map(targetOf)
      const log = await s.call('mcmc.log', { chainId: chain.id })
      expect(log).toHaveLength(6)
      // Replay the log from the generated start (its images carry their place in the set).
      const startImages = ws.images
        .idsOfPrompt(promptId)
        .map((id) => ws.images.get(id)!)
        .filter((i) => i.provenance.chainId === chain.id && i.provenance.chainRole === 'start')
      let members = startImages.sort((a, b) => Number(a.provenance.startIndex) - Number(b.provenance.startIndex)).map((i) => i.id)
      expect(members).toHaveLength(4)
      for (const id of members) expect(verdicts.latest(id), `verdict of starting image ${id}`).not.toBeNull()
      for (const entry of log) {
        const incoming = entry.proposal!.inImageId
        expect(ws.images.get(incoming)!.provenance).toMatchObject({ source: 'mcmc-sample', chainId: chain.id, chainRole: 'proposal' })
        // Read by the built-in classifier before the judge ran (unread, it counted as unseen).
        expect(verdicts.latest(incoming), `verdict of fresh image ${incoming}`).toMatchObject({ classifierId: expect.any(String), status: expect.any(String) })
        expect(entry.distanceAfter).not.toBeNull()
        expect(entry.distanceBefore).toBeCloseTo(
          setDistance(
            members.map((id) => verdicts.latest(id)),
            target
          ),
          9
        )
        const proposed = applyProposal(members, entry.proposal!)
        expect(entry.distanceAfter).toBeCloseTo(
          setDistance(
            proposed.map((id) => verdicts.latest(id)),
            target
          ),
          9
        )
        if (entry.decision === 'accept') members = proposed
      }
    } finally {
      await s.close()
    }
  }, 120_000)
})
