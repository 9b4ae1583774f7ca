// pairs.overview (issue 10, "meaning, not ids"): each pair with its prompt's text, both sets by their
// per-project number or name and their images, and who decided what; undone decisions are not shown.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract } from '@shared/contract'
import { dispatch, type CallContext, type Handlers } from '../../../src-main/core/api/dispatch'
import type { Workspace } from '../../../src-main/core/store/open'
import { workspaceOnlyHandlers } from './workspace-handlers'
import { addImages, openTempWorkspace } from '../../store/fixtures'

describe('pairs.overview', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let handlers: Handlers
  let owner: CallContext
  const call = async (method: 'pairs.overview' | 'label.judge' | 'label.undo' | 'sets.rename', input: unknown, ctx = owner) => {
    const r = await dispatch(handlers, method, input, ctx)
    if (!r.ok) throw new Error(r.error.message)
    return contract[method].output.parse(r.value) as never
  }

  beforeEach(() => {
    t = openTempWorkspace()
    ws = t.ws
    ;({ handlers, owner } = workspaceOnlyHandlers(ws))
  })
  afterEach(() => t.dispose())

  it('names the prompt, the sets (number or name) with their images, and the live decisions with who made them', async () => {
    const project = ws.projects.create('P')
    // Another project's sets come first, so the numbers below are per project, not ids.
    const other = ws.projects.create('Other')
    const op = ws.prompts.ensure({ projectId: other.id, text: 'x' })
    const oi = addImages(ws, other.id, op.id, 2, '/data/other')
    ws.sets.create(other.id, op.id, 'manual', [oi[0]])
    ws.sets.create(other.id, op.id, 'manual', [oi[1]])
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a photo of a doctor' })
    const img = addImages(ws, project.id, prompt.id, 4)
    const s1 = ws.sets.create(project.id, prompt.id, 'manual', [img[0], img[1]])
    const s2 = ws.sets.create(project.id, prompt.id, 'manual', [img[2], img[3]])
    const pair = ws.pairs.create(s1.id, s2.id)!
    await call('sets.rename', { setId: s2.id, name: 'hand-picked' })
    const alice = ws.annotators.create('alice')
    await call('label.judge', { pairId: pair.id, criterion: 'fairness', choice: 'b', shownLeft: 'a', responseMs: 10, idempotencyKey: 'k-00000001' })
    await call('label.judge', { pairId: pair.id, criterion: 'quality', choice: 'tie', shownLeft: 'a', responseMs: 10, idempotencyKey: 'k-00000002' }, { annotatorId: alice.id, scope: 'owner' })
    await call('label.judge', { pairId: pair.id, criterion: 'quality', choice: 'a', shownLeft: 'a', responseMs: 10, idempotencyKey: 'k-00000003' })
    await call('label.undo', { projectId: project.id, criterion: 'quality' })
    const s3 = ws.sets.create(project.id, prompt.id, 'manual', [img[0], img[3]])
    const other2 = ws.pairs.create(s1.id, s3.id)!
    const only = (await call('pairs.overview', { projectId: project.id, pairIds: [other2.id] })) as { total: number; items: Array<{ id: number }> }
    expect(only.total).toBe(2)
    expect(only.items.map((p) => p.id)).toEqual([other2.id])
    const overview = (await call('pairs.overview', { projectId: project.id, pairIds: [pair.id] })) as { total: number; items: unknown[] }
    expect(overview).toEqual({
      total: 2,
      items: [
        {
          id: pair.id,
          promptText: 'a photo of a doctor',
          setA: { id: s1.id, label: 'Set 1', imageIds: [img[0], img[1]] },
          setB: { id: s2.id, label: 'hand-picked', imageIds: [img[2], img[3]] },
          decisions: [
            { annotator: 'owner', kind: 'human', criterion: 'fairness', choice: 'b' },
            { annotator: 'alice', kind: 'human', criterion: 'quality', choice: 'tie' }
          ]
        }
      ]
    })
  })
})
