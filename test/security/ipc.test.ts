import { describe, expect, it } from 'vitest'
import { createInvokeHandler } from '../../src-main/main/ipc'
import { fakeStudioHandlers } from '../serve/helpers'

const mainFrame = { senderFrame: { url: 'app://renderer/index.html', parent: null } }

describe('api:invoke handler', () => {
  const { handlers } = fakeStudioHandlers()
  const invoke = createInvokeHandler({ handlers, owner: { annotatorId: 1, scope: 'owner' }, dispatch: { checkOutputs: true } })

  it('dispatches a call from our main frame as the owner', async () => {
    expect(await invoke(mainFrame, 'projects.create', { name: 'Nurses' })).toMatchObject({ ok: true, value: { name: 'Nurses' } })
    expect(await invoke(mainFrame, 'session.whoami', {})).toMatchObject({ ok: true, value: { scope: 'owner', annotator: { id: 1 } } })
  })

  it.each([
    ['a subframe', { senderFrame: { url: 'app://renderer/index.html', parent: {} } }],
    ['a foreign page', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a destroyed frame', { senderFrame: null }]
  ])('refuses %s without calling the handler', async (_name, event) => {
    const { handlers: h, projects } = fakeStudioHandlers()
    const guarded = createInvokeHandler({ handlers: h, owner: { annotatorId: 1, scope: 'owner' }, dispatch: { checkOutputs: true } })
    const res = await guarded(event, 'projects.create', { name: 'x' })
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(projects).toEqual([])
  })

  it.each([
    [42, {}, 'bad_request'],
    ['x'.repeat(500), {}, 'bad_request'],
    ['nope.nothing', {}, 'not_found'],
    ['projects.create', { name: 7 }, 'bad_request'],
    ['projects.create', { name: 'a', extra: true }, 'bad_request'],
    ['projects.create', 'not an object', 'bad_request'],
    ['projects.create', { name: 'x'.repeat(100_000) }, 'bad_request']
  ])('refuses a bad call %#', async (method, input, code) => {
    const res = await invoke(mainFrame, method, input)
    expect(res).toMatchObject({ ok: false, error: { code } })
  })
})
