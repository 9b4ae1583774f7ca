// Errors in the user's words (issue 10, item 5): the real validation errors the contract produces
// (through the real dispatch) come out with the field's label and no method name, schema path,
// validator jargon or HTTP code; transport failures say what happened and what to do.
import { describe, expect, it } from 'vitest'
import { methodNames, type ApiError } from '@shared/contract'
import { dispatch, type Handlers } from '../../src-main/core/api/dispatch'
import { transportError, unansweredError } from '../../src-renderer/src/lib/api'
import { fieldLabel, userMessage } from '../../src-renderer/src/lib/errors/wording'

const owner = { annotatorId: 1, scope: 'owner' as const }
const annotator = { annotatorId: 2, scope: 'annotate' as const, projects: [1] }

/** The error the studio really answers for this call (validation runs before any handler). */
async function refusal(method: string, input: unknown, ctx: typeof owner | typeof annotator = owner): Promise<ApiError> {
  const r = await dispatch({} as Handlers, method, input, ctx)
  if (r.ok) throw new Error(`${method} accepted ${JSON.stringify(input)}`)
  return r.error
}

/** Nothing a person should not read: method names, dotted or camelCase schema paths, zod words, HTTP codes. */
function expectPlain(text: string): void {
  for (const m of methodNames) expect(text, text).not.toContain(m)
  expect(text).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*\b/) // camelCase identifiers (learningRate, projectIds)
  expect(text).not.toMatch(/\b[a-z]+\.[a-z]+[A-Z]?\w*:/) // schema paths such as config.learningRate:
  expect(text).not.toMatch(/Too big|Too small|Invalid input|expected \w+, received|HTTP \d{3}|\b40[0-9]\b|\b50[0-9]\b/)
}

describe('userMessage over the real contract errors', () => {
  const cases: Array<[string, unknown, string]> = [
    ['projects.create', { name: '' }, 'Name cannot be empty.'],
    ['projects.create', { name: 'x'.repeat(500) }, 'Name can be at most 200 characters long.'],
    ['projects.create', {}, 'Name is missing.'],
    ['axes.save', { projectId: 1, name: 'g', classes: ['a'] }, 'Classes needs at least 2.'],
    ['sets.createRandom', { projectId: 1, promptId: 1, k: 0, count: 4 }, 'Images per set must be at least 1.'],
    ['sets.createRandom', { projectId: 'x', promptId: 1, k: 2, count: 4 }, 'Project must be a number.'],
    ['import.start', { projectId: 1, folder: '' }, 'Folder cannot be empty.'],
    ['train.start', { projectId: 1, config: { learningRate: 5 } }, 'Learning rate must be less than 1.'],
    ['team.invite', { annotatorId: 1, projectIds: [] }, 'Projects needs at least one.'],
    ['label.judge', { pairId: 1, choice: 'a', shownLeft: 'a', responseMs: 1, idempotencyKey: 'k'.repeat(20), criterion: 'beauty' }, 'Criterion must be one of fairness, quality.']
  ]
  for (const [method, input, words] of cases) {
    it(`${method} ${JSON.stringify(input).slice(0, 60)}`, async () => {
      const error = await refusal(method, input)
      expect(error.code).toBe('bad_request')
      const text = userMessage(error)
      expect(text).toBe(words)
      expectPlain(text)
    })
  }

  it('a custom rule that names its field gets the label instead', async () => {
    const error = await refusal('finetune.start', {
      projectId: 1,
      snapshotId: 1,
      method: 'popalign',
      base: 'base',
      settings: { steps: 10, batchSize: 3, learningRate: 0.001, beta: 1, alpha: 0, weighting: 'constant', condDropout: 0.1, seed: 1, checkpointEvery: 5 }
    })
    expect(error.message).toMatch(/batchSize must be even/)
    const text = userMessage(error)
    expectPlain(text)
    expect(text).toBe('Images per step must be even (winner-loser pairs)')
  })

  it('an unexpected field, a refused scope and an unknown method are said plainly', async () => {
    expect(userMessage(await refusal('projects.create', { name: 'a', extra: 1 }))).toBe('This form sent something the studio does not accept. Reload the page and try again.')
    expect(userMessage(await refusal('projects.create', { name: 'a' }, annotator))).toBe('Only the project owner can do this.')
    expect(userMessage(await refusal('reports.nothing', {}))).toBe('This page is older than the studio it talks to. Reload the page.')
  })

  it('a form may name its fields its own way', async () => {
    expect(userMessage(await refusal('projects.create', { name: '' }), { fields: { name: 'Project name' } })).toBe('Project name cannot be empty.')
    expect(fieldLabel('config.learningRate')).toBe('Learning rate')
    expect(fieldLabel('items.3.fooBar')).toBe('Foo bar')
  })

  it('renames and deletes are refused in words: the thing by what it is, the reason as the studio gave it', async () => {
    for (const [method, input, words] of [
      ['axes.rename', { axisId: 1, name: ' ' }, 'Name cannot be empty.'],
      ['pairs.delete', { pairId: 0 }, 'Pair must be more than 0.'],
      ['report.rename', { reportId: 'x', name: null }, 'Report must be a number.'],
      ['team.renameAnnotator', { annotatorId: 1, name: 'x'.repeat(201) }, 'Name can be at most 200 characters long.']
    ] as const) {
      const text = userMessage(await refusal(method, input))
      expect(text).toBe(words)
      expectPlain(text)
    }
    const refused = userMessage({ code: 'conflict', message: 'the pair Set 1 and Set 2 cannot be deleted: 1 decision was recorded on it; they stay for the audit trail' })
    expect(refused).toBe('The pair Set 1 and Set 2 cannot be deleted: 1 decision was recorded on it; they stay for the audit trail.')
    expectPlain(refused)
  })

  it("a handler's own message keeps its words, without the method or an HTTP code", () => {
    expect(userMessage({ code: 'conflict', message: 'a project called "P" already exists; choose another name' })).toBe('A project called "P" already exists; choose another name.')
    expect(userMessage({ code: 'internal', message: 'export.write: HTTP 500: disk full' })).toBe('Disk full.')
  })

  it('transport failures say what happened and what to do', () => {
    const lost = unansweredError('axes.save: Failed to fetch')
    const ended = transportError('label.judge: session: HTTP 401 (open the link with its ?token=… again)')
    if (lost.ok || ended.ok) throw new Error('unreachable')
    expect(userMessage(lost.error)).toMatch(/did not answer/)
    expect(userMessage(ended.error)).toMatch(/session has ended/)
    for (const e of [lost.error, ended.error]) expectPlain(userMessage(e))
  })
})
