// A refinement chain as mcmc.get answers it, for the tests of the Refine screen's store: by default
// chain 1 of 3 images, running and waiting for a person to judge its proposal (image 4 in for image 1).
import type { McmcChain } from '@shared/contract'

export function mcmcChain(over: Partial<McmcChain> = {}): McmcChain {
  return {
    id: 1,
    number: 1,
    projectId: 1,
    promptId: 1,
    judge: 'human',
    state: 'running',
    setSize: 3,
    imageIds: [1, 2, 3],
    proposal: { position: 0, outImageId: 1, inImageId: 4 },
    awaiting: 'human',
    step: 0,
    accepted: 0,
    rejected: 0,
    acceptanceRate: null,
    resultSetId: null,
    createdAt: '',
    updatedAt: '',
    tally: null,
    ...over
  }
}
