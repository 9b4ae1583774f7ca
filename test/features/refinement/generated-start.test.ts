// A chain whose starting set is freshly sampled (start: 'generate') through a tiny trained checkpoint:
// the N starting images are in the workspace with their provenance (chain id, "start" role) before the
// first proposal is shown, the seeds come from the chain's RNG (same seed, same set), and a restart
// after some of them were sampled completes the missing ones with the same seeds.
import { describe, expect, it } from 'vitest'
import type { ModelEntry } from '../../../src-main/shared/contract'
import { createMcmcService } from '../../../src-main/core/features/refinement/chain-service'
import { open } from '../models/helpers'
import { sampledProjectForFile } from './sampled-project'

const PROMPT = 'a photo of a nurse'
// A small pool, so pool proposals have something to propose once the generated set is full.
const project = sampledProjectForFile('mcmc-genstart-', { name: 'Generated start', prompt: PROMPT, seedStart: 2000, count: 2 })
const { wsDir } = project

const sampling = () => ({ model: project.get().modelId, steps: 3, sampler: 'ddim' as const, guidance: 3 })

describe('a generated starting set', () => {
  let reference: number[] = []

  it('is sampled with provenance before the first proposal, and replays the same for the same seed', async () => {
    const { projectId, modelId, promptId, pool } = project.get()
    const s = await open(wsDir)
    try {
      const models = await s.call('models.list', {})
      const ws = s.studio.workspace
      const owner = ws.annotators.owner().id
      const mcmc = createMcmcService(ws, { fresh: { models: () => models } })
      const chain = mcmc.start({ projectId, promptId, size: 3, judge: 'human', seed: 31, createdBy: owner, start: 'generate', sampling: sampling() })
      expect(chain).toMatchObject({ imageIds: [], proposal: null, proposalPending: true, awaiting: null, start: 'generate', startPending: 3, proposalSource: 'pool' })
      expect(() => mcmc.decide(chain.id, 'stop', owner, 'too-early-stop')).toThrow(/still sampling its starting set/)

      await mcmc.settle(chain.id)
      const ready = mcmc.get(chain.id)
      expect(ready).toMatchObject({ proposalPending: false, startPending: 0, awaiting: 'human', proposalError: null, start: 'generate' })
      expect(ready.imageIds).toHaveLength(3)
      const seeds = new Set<number>()
      ready.imageIds.forEach((id, i) => {
        expect(pool).not.toContain(id)
        const image = ws.images.get(id)!
        expect(image).toMatchObject({ projectId, promptId, generator: `popalign-studio/${modelId}` })
        expect(image.provenance).toMatchObject({ source: 'mcmc-sample', chainId: chain.id, chainRole: 'start', startIndex: i, model: modelId, prompt: PROMPT, seed: image.seed, steps: 3 })
        seeds.add(image.seed!)
      })
      expect(seeds.size).toBe(3)
      // The first proposal comes from the pool (the default proposal source).
      expect(pool).toContain(ready.proposal!.inImageId)
      // ...and the chain shows how the incoming image was sampled.
      const inImage = ws.images.get(ready.proposal!.inImageId)!
      expect(ready.incoming).toEqual({ imageId: inImage.id, source: 'sample-job', model: modelId, modelLabel: expect.any(String), seed: inImage.seed, chainStep: null, role: null })
      reference = ready.imageIds

      const twin = mcmc.start({ projectId, promptId, size: 3, judge: 'human', seed: 31, createdBy: owner, start: 'generate', sampling: sampling() })
      await mcmc.settle(twin.id)
      expect(mcmc.get(twin.id).imageIds).toEqual(reference)
    } finally {
      await s.close()
    }
  }, 90_000)

  it('survives a restart mid-way: the next get completes the missing images with the same seeds', async () => {
    const { projectId, modelId, promptId } = project.get()
    let chainId = 0
    {
      const s = await open(wsDir)
      try {
        const models = await s.call('models.list', {})
        let calls = 0
        // The engine "dies" after the first starting image (one call checks the model at start): the state a kill mid-way leaves.
        const dying = (): ModelEntry[] => {
          if (calls++ >= 2) throw new Error('engine killed')
          return models
        }
        const ws = s.studio.workspace
        const mcmc = createMcmcService(ws, { fresh: { models: dying } })
        const chain = mcmc.start({ projectId, promptId, size: 3, judge: 'human', seed: 31, createdBy: ws.annotators.owner().id, start: 'generate', sampling: sampling() })
        chainId = chain.id
        await mcmc.settle(chainId)
        const partial = mcmc.get(chainId)
        expect(partial).toMatchObject({ imageIds: [reference[0]], startPending: 2, proposalPending: true, awaiting: null, proposal: null })
        expect(partial.proposalError).toMatch(/engine killed/)
      } finally {
        await s.close()
      }
    }
    const s = await open(wsDir)
    try {
      const resumed = await s.call('mcmc.get', { chainId })
      expect(resumed).toMatchObject({ imageIds: reference, startPending: 0, proposalPending: false, awaiting: 'human', start: 'generate' })
      const next = await s.call('mcmc.decide', { chainId, decision: 'accept', step: 0, idempotencyKey: 'genstart-accept-0' })
      expect(next.step).toBe(1)

      // A chain with fresh proposals names the chain step its incoming image was sampled for.
      const fresh = await s.call('mcmc.start', { projectId, promptId, size: 2, judge: 'human', seed: 8, proposals: 'sample', sampling: { model: modelId, steps: 3 } })
      expect(fresh.incoming).toMatchObject({ imageId: fresh.proposal!.inImageId, source: 'chain', model: modelId, chainStep: 0, role: 'proposal' })
    } finally {
      await s.close()
    }
  }, 90_000)

  it('bad input names the problem', async () => {
    const { projectId, promptId } = project.get()
    const s = await open(wsDir)
    try {
      await expect(s.call('mcmc.start', { projectId, promptId, size: 3, start: 'generate' })).rejects.toThrow(/generated starting set needs `sampling`/)
      const ws = s.studio.workspace
      const bare = createMcmcService(ws)
      expect(() => bare.start({ projectId, promptId, size: 3, judge: 'human', seed: 1, createdBy: ws.annotators.owner().id, start: 'generate' })).toThrow(/generated starting set needs a model/)
      expect(() => bare.start({ projectId, promptId, size: 3, judge: 'human', seed: 1, createdBy: ws.annotators.owner().id, start: 'generate', sampling: sampling() })).toThrow(/diffusion engine/)
    } finally {
      await s.close()
    }
  })
})

describe('a generated starting set through the API', () => {
  it('mcmc.start passes start: generate through to the chain', async () => {
    const { projectId, promptId, pool } = project.get()
    const s = await open(wsDir)
    try {
      const chain = await s.call('mcmc.start', { projectId, promptId, size: 2, judge: 'human', seed: 77, start: 'generate', sampling: sampling() })
      expect(chain.start).toBe('generate')
      expect(chain.startPending ?? 0).toBe(0)
      expect(chain.imageIds).toHaveLength(2)
      for (const id of chain.imageIds) expect(pool).not.toContain(id)
    } finally {
      await s.close()
    }
  })
})
