// The refinement store against a scripted API: decisions carry the step seen and one idempotency key
// (kept across resends), refusals reload the chain, the tally is fetched only when shown, and the
// automatic judge runs in batches until a person is needed.
import { describe, expect, it } from 'vitest'
import type { McmcChain, MethodName, Result } from '@shared/contract'
import type { ApiClient, CallOptions } from '../../src-renderer/src/lib/api'
import { unansweredError } from '../../src-renderer/src/lib/api'
import { DECISION_TIMEOUT_MS } from '../../src-renderer/src/lib/resend'
import { RefineSession } from '../../src-renderer/src/lib/stores/refine-session.svelte'
import { mcmcChain } from './mcmc-chain'

const chain = mcmcChain

class Scripted {
  calls: Array<{ method: MethodName; input: Record<string, unknown>; options?: CallOptions }> = []
  current = chain()
  decideResults: Array<Result<McmcChain>> = []
  autoResults: Array<Result<{ chain: McmcChain; decided: number; needsHuman: boolean }>> = []
  client: ApiClient = {
    transport: 'serve',
    imageUrl: () => '',
    onEvent: () => () => {},
    call: (async (method: MethodName, input: Record<string, unknown>, options?: CallOptions): Promise<Result<unknown>> => {
      this.calls.push({ method, input, options })
      switch (method) {
        case 'mcmc.get':
          return { ok: true, value: { ...this.current, tally: input.tally ? [{ axis: 'shape', counts: [{ cls: 'round', count: 3 }], unseen: 0 }] : null } }
        case 'mcmc.log':
          return { ok: true, value: [] }
        case 'mcmc.decide':
          return this.decideResults.shift() ?? { ok: true, value: (this.current = chain({ step: this.current.step + 1, accepted: 1, acceptanceRate: 1 })) }
        case 'mcmc.runAuto':
          return this.autoResults.shift()!
        default:
          return { ok: false, error: { code: 'not_found', message: method } }
      }
    }) as ApiClient['call']
  }
}

const fast = { delaysMs: [1, 1, 1], sleep: async () => {} }

describe('RefineSession', () => {
  it('sends the step seen with one key, resends it unchanged after a lost answer, and announces', async () => {
    const api = new Scripted()
    api.decideResults.push(unansweredError('mcmc.decide: Failed to fetch'))
    let n = 0
    const s = new RefineSession(api.client, 1, { newKey: () => `key-${++n}-xxxxxxxx`, resend: fast })
    await s.load()
    await s.decide('accept')
    const sent = api.calls.filter((c) => c.method === 'mcmc.decide').map((c) => c.input)
    expect(sent).toEqual([
      { chainId: 1, decision: 'accept', step: 0, idempotencyKey: 'key-1-xxxxxxxx' },
      { chainId: 1, decision: 'accept', step: 0, idempotencyKey: 'key-1-xxxxxxxx' }
    ])
    // Each copy stops waiting on a dead connection, so it is resent (api-client tests the timeout itself).
    expect(api.calls.filter((c) => c.method === 'mcmc.decide').map((c) => c.options)).toEqual([{ timeoutMs: DECISION_TIMEOUT_MS }, { timeoutMs: DECISION_TIMEOUT_MS }])
    expect(s.save).toEqual({ kind: 'saved', seq: 1 })
    expect(s.chain?.step).toBe(1)
    expect(s.announcement).toContain('Accepted. Saved. Step 1, acceptance rate 100%')
  })

  it('reloads the chain when the server refuses a stale step', async () => {
    const api = new Scripted()
    api.decideResults.push({ ok: false, error: { code: 'conflict', message: 'step 0 has already been decided' } })
    const s = new RefineSession(api.client, 1, { resend: fast })
    await s.load()
    api.current = chain({ step: 1 })
    await s.decide('reject')
    expect(s.hasUnsaved).toBe(false)
    expect(s.save.kind).toBe('error')
    expect(s.chain?.step).toBe(1)
  })

  it('does not let a person judge a proposal awaiting the classifier, but lets them stop', async () => {
    const api = new Scripted()
    api.current = chain({ judge: 'mixed', awaiting: 'auto' })
    const s = new RefineSession(api.client, 1, { resend: fast })
    await s.load()
    await s.decide('accept')
    expect(api.calls.some((c) => c.method === 'mcmc.decide')).toBe(false)
    await s.decide('stop')
    expect(api.calls.filter((c) => c.method === 'mcmc.decide').map((c) => c.input.decision)).toEqual(['stop'])
  })

  it('asks for the tally only while it is shown', async () => {
    const api = new Scripted()
    const s = new RefineSession(api.client, 1, { resend: fast })
    await s.load()
    expect(s.chain?.tally).toBeNull()
    await s.toggleTally()
    expect(s.chain?.tally?.[0].axis).toBe('shape')
    await s.decide('accept')
    expect(api.calls.filter((c) => c.method === 'mcmc.get').map((c) => c.input.tally)).toEqual([false, true, true])
  })

  it('runs the automatic judge in batches and stops when a person is needed', async () => {
    const api = new Scripted()
    api.current = chain({ judge: 'mixed', awaiting: 'auto' })
    api.autoResults.push(
      { ok: true, value: { chain: chain({ judge: 'mixed', awaiting: 'auto', step: 4 }), decided: 4, needsHuman: false } },
      { ok: true, value: { chain: chain({ judge: 'mixed', awaiting: 'human', step: 6 }), decided: 2, needsHuman: true } }
    )
    const s = new RefineSession(api.client, 1, { resend: fast, autoBatch: 4 })
    await s.load()
    await s.runAuto(10, true)
    const runs = api.calls.filter((c) => c.method === 'mcmc.runAuto').map((c) => c.input)
    expect(runs).toEqual([
      { chainId: 1, maxSteps: 4, stopAtEnd: false },
      { chainId: 1, maxSteps: 4, stopAtEnd: false }
    ])
    expect(s.auto).toMatchObject({ running: false, decided: 6, target: 10 })
    expect(s.auto.note).toContain('a person must judge')
    expect(s.canJudge).toBe(true)
  })
})
