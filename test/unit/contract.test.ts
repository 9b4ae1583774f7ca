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
})
