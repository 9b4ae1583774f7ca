// Browse filters and the image detail view (issue 10, "see the images"): an image's source is told
// from what its producer wrote, the model reads as the run's per-project number, the classifier's
// verdicts and the sets holding the image come with it, and an invited annotator reaches only the
// images of their own projects.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract, type MethodName } from '@shared/contract'
import { dispatch, type CallContext, type Handlers } from '../../../src-main/core/api/dispatch'
import { withProjectScope } from '../../../src-main/core/api/project-scope'
import type { Workspace } from '../../../src-main/core/store/open'
import { projectOfRepo } from '../../../src-main/core/store/repos/project-of'
import { modelLabel } from '../../../src-main/core/store/repos/image-query'
import { workspaceOnlyHandlers } from './workspace-handlers'
import { addImages, openTempWorkspace } from '../../store/fixtures'

describe('image filters and detail', () => {
  let t: ReturnType<typeof openTempWorkspace>
  let ws: Workspace
  let handlers: Handlers
  let owner: CallContext
  const call = async (method: MethodName, input: unknown, ctx = owner): Promise<any> => {
    const r = await dispatch(handlers, method, input, ctx)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
    return contract[method].output.parse(r.value)
  }

  beforeEach(() => {
    t = openTempWorkspace()
    ws = t.ws
    const bare = workspaceOnlyHandlers(ws)
    handlers = withProjectScope(bare.handlers, projectOfRepo(ws.db))
    owner = bare.owner
  })
  afterEach(() => t.dispose())

  function seed() {
    const project = ws.projects.create('P')
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a photo of a doctor' })
    const [imported, sampled, acquired, refined] = addImages(ws, project.id, prompt.id, 4)
    // An earlier job of another kind, so the run's number (1) differs from its id.
    ws.jobs.create({ projectId: project.id, kind: 'import' })
    const run = ws.jobs.create({ projectId: project.id, kind: 'train' })
    const set = (id: number, generator: string, provenance: object) =>
      ws.db.prepare('UPDATE images SET generator = ?, provenance = ?, seed = 42 WHERE id = ?').run(generator, JSON.stringify(provenance), id)
    set(sampled, `popalign-studio/run:${run.id}@200`, { model: `run:${run.id}@200` })
    set(acquired, 'popalign-studio acquire (base.ckpt)', {})
    set(refined, 'popalign-studio/base', { source: 'mcmc-sample', chainId: 1 })
    ws.db
      .prepare("INSERT INTO image_classifications (image_id, classifier_id, classifier_version, status, attributes, confidence) VALUES (?, 'world', '1', 'ok', ?, 0.9)")
      .run(sampled, JSON.stringify({ gender: 'female', tone: 'rose' }))
    const s = ws.sets.create(project.id, prompt.id, 'manual', [imported, sampled])
    ws.sets.rename(s.id, 'my picks')
    return { project, prompt, imported, sampled, acquired, refined, run }
  }

  it('filters by source, by model and by classifier label, and lists the facets', async () => {
    const { project, imported, sampled, acquired, refined, run } = seed()
    const ids = async (filter: object) => (await call('images.list', { projectId: project.id, ...filter })).items.map((i: { id: number }) => i.id)
    expect(await ids({})).toEqual([imported, sampled, acquired, refined])
    expect(await ids({ source: 'imported' })).toEqual([imported])
    expect(await ids({ source: 'sampled' })).toEqual([sampled])
    expect(await ids({ source: 'acquired' })).toEqual([acquired])
    expect(await ids({ source: 'refinement' })).toEqual([refined])
    expect(await ids({ model: `run:${run.id}@200` })).toEqual([sampled])
    expect(await ids({ label: { axis: 'gender', cls: 'female' } })).toEqual([sampled])
    expect(await ids({ label: { axis: 'gender', cls: 'male' } })).toEqual([])
    const facets = await call('images.facets', { projectId: project.id })
    expect(facets.sources).toEqual([
      { source: 'acquired', count: 1 },
      { source: 'imported', count: 1 },
      { source: 'refinement', count: 1 },
      { source: 'sampled', count: 1 }
    ])
    expect(facets.models).toContainEqual({ model: `run:${run.id}@200`, label: 'Run 1 · step 200', count: 1 })
    expect(facets.labels).toEqual([
      { axis: 'gender', cls: 'female', count: 1 },
      { axis: 'tone', cls: 'rose', count: 1 }
    ])
  })

  it('gives the detail of an image: prompt, seed, model in words, verdicts and the sets that hold it', async () => {
    const { sampled, run } = seed()
    await call('runs.rename', { runId: run.id, name: 'debiased' })
    const d = await call('images.detail', { imageId: sampled })
    expect(d).toMatchObject({
      id: sampled,
      promptText: 'a photo of a doctor',
      promptKind: 'neutral',
      seed: 42,
      source: 'sampled',
      model: 'debiased · step 200',
      verdicts: [{ classifier: 'world 1', status: 'ok', attributes: { gender: 'female', tone: 'rose' }, confidence: 0.9 }],
      sets: [{ label: 'my picks' }]
    })
    expect((await call('images.detail', { imageId: 9999 }).catch((e) => e)).code).toBe('not_found')
  })

  it('lets an invited annotator see the detail of images of their project only', async () => {
    const { project, sampled } = seed()
    const other = ws.projects.create('Other')
    const op = ws.prompts.ensure({ projectId: other.id, text: 'x' })
    const [foreign] = addImages(ws, other.id, op.id, 1, '/data/other')
    const alice = { annotatorId: ws.annotators.create('alice').id, scope: 'annotate' as const, projects: [project.id] }
    expect((await call('images.detail', { imageId: sampled }, alice)).id).toBe(sampled)
    expect((await call('images.detail', { imageId: foreign }, alice).catch((e) => e)).code).toBe('forbidden')
  })

  it('reads model ids in words', () => {
    const runs = (id: number) => (id === 7 ? 'Run 2' : null)
    expect(modelLabel('base', runs)).toBe('Base model (built in)')
    expect(modelLabel('run:7@300-ema', runs)).toBe('Run 2 · step 300 · averaged weights')
    expect(modelLabel('run:8', runs)).toBe('a deleted run')
    expect(modelLabel(null, runs)).toBeNull()
    // Imported images: the generator tag of their sidecars (the demo's renderer), and model folders.
    expect(modelLabel('synthetic-population-renderer@1', runs)).toBe('Synthetic population renderer (version 1)')
    expect(modelLabel('sd:tiny-sd', runs)).toBe('tiny-sd (Stable Diffusion)')
    expect(modelLabel('my model', runs)).toBe('my model')
  })
})
