import { describe, expect, it } from 'vitest'
import { contract, methodNames } from '@shared/contract'
import { dispatch, type Handlers } from '../../src-main/core/api/dispatch'

describe('contract', () => {
  it('rejects unknown keys in every method input', () => {
    for (const name of methodNames) {
      const r = contract[name].input.safeParse({ __proto_pollution: 1 })
      expect(r.success, name).toBe(false)
    }
  })

  it('dispatch refuses owner methods to annotator sessions and validates input', async () => {
    const calls: unknown[] = []
    const handlers = { 'projects.create': (i: unknown) => (calls.push(i), { id: 1, name: 'x', description: '', createdAt: 'now' }) } as unknown as Handlers
    const forbidden = await dispatch(handlers, 'projects.create', { name: 'x' }, { annotatorId: 2, scope: 'annotate' })
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const bad = await dispatch(handlers, 'projects.create', { name: 42 }, { annotatorId: 1, scope: 'owner' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    const unknown = await dispatch(handlers, 'fs.readFile', {}, { annotatorId: 1, scope: 'owner' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const ok = await dispatch(handlers, 'projects.create', { name: ' Doctors ' }, { annotatorId: 1, scope: 'owner' })
    expect(ok.ok).toBe(true)
    expect(calls).toEqual([{ name: 'Doctors', description: '' }])
  })

  it('dispatch checks handler outputs against the contract only when asked to', async () => {
    const owner = { annotatorId: 1, scope: 'owner' as const }
    // A handler that drifted from the contract: createdAt is a number, not a string.
    const drifted = { 'projects.create': () => ({ id: 1, name: 'x', description: '', createdAt: 0 }) } as unknown as Handlers
    const unchecked = await dispatch(drifted, 'projects.create', { name: 'x' }, owner)
    expect(unchecked).toEqual({ ok: true, value: { id: 1, name: 'x', description: '', createdAt: 0 } })
    const checked = await dispatch(drifted, 'projects.create', { name: 'x' }, owner, { checkOutputs: true })
    expect(checked).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/^projects\.create returned an output that does not match the contract: createdAt: /) } })
    // A matching output passes unchanged (the handler's own value, not a parsed copy).
    const extra = { id: 1, name: 'x', description: '', createdAt: 'now', more: true }
    const fine = { 'projects.create': () => extra } as unknown as Handlers
    expect(await dispatch(fine, 'projects.create', { name: 'x' }, owner, { checkOutputs: true })).toEqual({ ok: true, value: extra })
  })
})
