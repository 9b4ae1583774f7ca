// The mcmc.* methods of the contract, over the chain service (core/features/refinement). Methods that can leave a
// freshly sampled proposal pending wait for its image, so a judge is only ever shown a proposal
// whose image is already in the workspace.
import { randomInt } from 'node:crypto'
import type { Handlers } from '../dispatch'
import { ApiFailure } from '../dispatch'
import type { Workspace } from '../../store/open'
import type { McmcService } from '../../features/refinement/chain-service'

type McmcMethods = Pick<Handlers, 'mcmc.start' | 'mcmc.get' | 'mcmc.list' | 'mcmc.decide' | 'mcmc.runAuto' | 'mcmc.log' | 'mcmc.makePair'>

export function mcmcHandlers(ws: Workspace, mcmc: McmcService): McmcMethods {
  const project = (projectId: number) => {
    if (!ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
  }
  const settled = async (chainId: number, tally = false) => {
    await mcmc.settle(chainId)
    return mcmc.get(chainId, tally)
  }
  return {
    'mcmc.start': async ({ projectId, promptId, size, judge, seed, classifierId, proposals, sampling, start }, ctx) => {
      project(projectId)
      const prompt = ws.prompts.get(promptId)
      if (!prompt || prompt.projectId !== projectId) throw new ApiFailure('not_found', `prompt ${promptId} does not exist in project ${projectId}`)
      // The seed is stored with the chain, so even an unseeded chain can be replayed from its row.
      const chain = mcmc.start({
        projectId,
        promptId,
        size,
        judge,
        seed: seed ?? randomInt(0, 2 ** 47),
        classifierId,
        createdBy: ctx.annotatorId,
        proposalSource: proposals,
        sampling,
        start
      })
      return settled(chain.id)
    },
    'mcmc.get': async ({ chainId, tally }) => {
      mcmc.get(chainId) // not_found before any sampling
      return settled(chainId, tally)
    },
    'mcmc.list': ({ projectId }) => {
      project(projectId)
      return mcmc.list(projectId)
    },
    'mcmc.decide': async ({ chainId, decision, step, idempotencyKey }, ctx) => {
      mcmc.decide(chainId, decision, ctx.annotatorId, idempotencyKey, step)
      return settled(chainId)
    },
    'mcmc.runAuto': ({ chainId, maxSteps, stopAtEnd }) => mcmc.runAuto(chainId, maxSteps, stopAtEnd),
    'mcmc.log': ({ chainId }) => mcmc.log(chainId),
    'mcmc.makePair': ({ chainId, loserSetId, idempotencyKey }, ctx) => mcmc.makePair(chainId, loserSetId, ctx.annotatorId, idempotencyKey)
  }
}
