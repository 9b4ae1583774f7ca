// The Refine store re-reads a chain every pollMs while its proposal (or generated starting set) is
// being sampled, shows it once it is ready, keeps polling through a sampling error, and stops when
// disposed.
import { describe, expect, it } from 'vitest'
import type { McmcChain, MethodName, Result } from '@shared/contract'
import type { ApiClient } from '../../../src-renderer/src/lib/api'
import { RefineSession } from '../../../src-renderer/src/lib/stores/refine-session.svelte'
import { mcmcChain } from '../../renderer/mcmc-chain'

/** A chain whose proposal is still being sampled: nothing to judge yet. */
const chain = (over: Partial<McmcChain> = {}): McmcChain => mcmcChain({ proposal: null, awaiting: null, proposalPending: true, ...over })

function scripted(answers: McmcChain[]) {
  let gets = 0
  const client = {
    transport: 'serve',
    imageUrl: () => '',
    onEvent: () => () => {},
    call: (async (method: MethodName): Promise<Result<unknown>> => {
      if (method === 'mcmc.log') return { ok: true, value: [] }
      if (method === 'mcmc.get') return { ok: true, value: answers[Math.min(gets++, answers.length - 1)] }
      return { ok: false, error: { code: 'not_found', message: method } }
    }) as ApiClient['call']
  } as ApiClient
  return { client, gets: () => gets }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('RefineSession polling while sampling', () => {
  it('re-reads until the sampled proposal is ready, then stops', async () => {
    const ready = chain({
      proposal: { position: 0, outImageId: 1, inImageId: 9 },
      awaiting: 'human',
      proposalPending: false,
      incoming: { imageId: 9, source: 'chain', model: 'run:1@8', modelLabel: null, seed: 42, chainStep: 0, role: 'proposal' }
    })
    const api = scripted([chain(), chain({ proposalError: 'engine busy' }), ready])
    const s = new RefineSession(api.client, 1, { pollMs: 5 })
    await s.load()
    expect(s.sampling).toBe(true)
    for (let i = 0; i < 100 && s.sampling; i++) await sleep(5)
    expect(s.chain?.proposal?.inImageId).toBe(9)
    expect(s.canJudge).toBe(true)
    expect(s.announcement).toMatch(/ready/)
    const after = api.gets()
    await sleep(30)
    expect(api.gets()).toBe(after) // no polling once ready
    s.dispose()
  })

  it('stops polling when disposed', async () => {
    const api = scripted([chain({ startPending: 2, imageIds: [1] })])
    const s = new RefineSession(api.client, 1, { pollMs: 5 })
    await s.load()
    await sleep(20)
    expect(api.gets()).toBeGreaterThan(1)
    s.dispose()
    await sleep(10)
    const after = api.gets()
    await sleep(30)
    expect(api.gets()).toBe(after)
  })
})
