// Freshly sampled MCMC proposals through the real studio and a tiny trained checkpoint: the proposed
// image is in the workspace with its provenance before the proposal is shown, a seed from the chain's
// RNG makes a replay draw the same image, a restart while the proposal is being sampled samples the
// same image again, and a mixed chain samples only once its pool is exhausted.
import { describe, expect, it } from 'vitest'
import { createMcmcService } from '../../../src-main/core/features/refinement/chain-service'
import { open } from '../models/helpers'
import { sampledProjectForFile } from './sampled-project'

const PROMPT = 'a photo of a doctor'
// The pool: three images of the prompt.
const project = sampledProjectForFile('mcmc-fresh-', { name: 'Fresh', prompt: PROMPT, seedStart: 1000, count: 3 })
const { wsDir } = project

const sampling = () => ({ model: project.get().modelId, steps: 3 })

describe('freshly sampled proposals', () => {
  it('are inserted with provenance before they are shown, and replay the same for the same seed', async () => {
    const { projectId, modelId, promptId, pool } = project.get()
    const s = await open(wsDir)
    try {
      const chain = await s.call('mcmc.start', { projectId, promptId, size: 3, judge: 'human', seed: 77, proposals: 'sample', sampling: sampling() })
      expect(chain).toMatchObject({ proposalSource: 'sample', proposalPending: false, awaiting: 'human', proposalError: null })
      expect(chain.sampling).toMatchObject({ model: modelId, steps: 3, sampler: 'ddim' })
      const p0 = chain.proposal!
      expect(pool).not.toContain(p0.inImageId)
      const image = s.studio.workspace.images.get(p0.inImageId)!
      expect(image).toMatchObject({ projectId, promptId, generator: `popalign-studio/${modelId}` })
      expect(image.provenance).toMatchObject({ source: 'mcmc-sample', chainId: chain.id, chainStep: 0, model: modelId, prompt: PROMPT, seed: image.seed, steps: 3, backend: 'onnxruntime-node' })

      const next = await s.call('mcmc.decide', { chainId: chain.id, decision: 'accept', step: 0, idempotencyKey: 'fresh-accept-0' })
      expect(next.imageIds[p0.position]).toBe(p0.inImageId)
      expect(next.proposal).not.toBeNull()
      expect(s.studio.workspace.images.get(next.proposal!.inImageId)!.provenance).toMatchObject({ source: 'mcmc-sample', chainId: chain.id, chainStep: 1 })

      // Same seed, same draws: the same position and image seed, so the same (deduplicated) image,
      // even though the pool has grown by the first chain's fresh images meanwhile.
      const twin = await s.call('mcmc.start', { projectId, promptId, size: 3, judge: 'human', seed: 77, proposals: 'sample', sampling: sampling() })
      expect(twin.proposal!.position).toBe(p0.position)
      expect(twin.proposal!.inImageId).toBe(p0.inImageId)
    } finally {
      await s.close()
    }
  }, 60_000)

  it('survive a restart while the proposal is being sampled: the same image is sampled again', async () => {
    const { projectId, modelId, promptId } = project.get()
    let chainId = 0
    let drawn = { position: -1, seed: -1 }
    {
      const s = await open(wsDir)
      try {
        // The service alone commits the draw but does not sample: the state a kill mid-sampling leaves.
        const models = await s.call('models.list', {})
        const mcmc = createMcmcService(s.studio.workspace, { fresh: { models: () => models } })
        const chain = mcmc.start({
          projectId,
          promptId,
          size: 3,
          judge: 'human',
          seed: 91,
          createdBy: s.studio.workspace.annotators.owner().id,
          proposalSource: 'sample',
          sampling: { model: modelId, steps: 3, sampler: 'ddim', guidance: 3 }
        })
        chainId = chain.id
        expect(chain).toMatchObject({ proposal: null, proposalPending: true, awaiting: null })
        const row = s.studio.workspace.db.prepare('SELECT pending_sample AS p FROM mcmc_chains WHERE id = ?').get(chainId) as { p: string }
        drawn = JSON.parse(row.p) as typeof drawn
        expect(() => mcmc.decide(chainId, 'accept', s.studio.workspace.annotators.owner().id, 'too-early-1')).toThrow(/still being sampled/)
      } finally {
        await s.close()
      }
    }
    const s = await open(wsDir)
    try {
      const resumed = await s.call('mcmc.get', { chainId })
      expect(resumed).toMatchObject({ proposalPending: false, awaiting: 'human' })
      expect(resumed.proposal!.position).toBe(drawn.position)
      const image = s.studio.workspace.images.get(resumed.proposal!.inImageId)!
      expect(image.seed).toBe(drawn.seed)
      expect(image.provenance).toMatchObject({ source: 'mcmc-sample', chainId, chainStep: 0, seed: drawn.seed })
    } finally {
      await s.close()
    }
  }, 60_000)

  it('mixed: proposes the pool first and samples once every pool image has been proposed', async () => {
    const { projectId, promptId } = project.get()
    const s = await open(wsDir)
    try {
      // Only pool images and no earlier fresh ones: a prompt of its own, filled from the pool's files.
      const chain = await s.call('mcmc.start', { projectId, promptId, size: 2, judge: 'human', seed: 5, proposals: 'mixed', sampling: sampling() })
      const poolNow = s.studio.workspace.images.idsOfPrompt(promptId)
      const seen = new Set<number>()
      let current = chain
      let freshAt = -1
      for (let step = 0; step < poolNow.length + 2 && freshAt < 0; step++) {
        const inId = current.proposal!.inImageId
        const fresh = s.studio.workspace.images.get(inId)!.provenance.chainId === chain.id
        if (fresh) freshAt = step
        else {
          expect(seen.has(inId)).toBe(false) // the pool is walked without repeats
          seen.add(inId)
        }
        current = await s.call('mcmc.decide', { chainId: chain.id, decision: 'reject', step, idempotencyKey: `mixed-reject-${step}` })
      }
      // Every pool image outside the starting set was proposed before the first fresh one.
      expect(freshAt).toBe(poolNow.length - 2)
      expect([...seen].sort()).toEqual(poolNow.filter((id) => !chain.imageIds.includes(id)).sort())
    } finally {
      await s.close()
    }
  }, 60_000)

  it('bad input names the problem', async () => {
    const { projectId, promptId } = project.get()
    const s = await open(wsDir)
    try {
      await expect(s.call('mcmc.start', { projectId, promptId, size: 3, proposals: 'sample' })).rejects.toThrow(/need `sampling`/)
      await expect(s.call('mcmc.start', { projectId, promptId, size: 3, proposals: 'sample', sampling: { model: 'run:424242' } })).rejects.toThrow(/model "run:424242" is not in the catalogue/)
      await expect(s.call('mcmc.start', { projectId, promptId, size: 3, proposals: 'sample', sampling: { model: '../etc' } })).rejects.toThrow(/model id/)
    } finally {
      await s.close()
    }
  })
})
