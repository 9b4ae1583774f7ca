import { mkdtempSync, rmSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStudio, type Studio } from '../../src-main/core/studio'
import { DEMO_PROJECT_NAME, DEMO_SET_SIZE } from '../../src-main/core/demo-seed'
import { testConfig } from '../helpers/config'

const resourcesDir = resolve(__dirname, '../../resources')
const quiet = () => {}

async function waitForJobs(studio: Studio): Promise<void> {
  const owner = { annotatorId: studio.workspace.annotators.owner().id, scope: 'owner' as const }
  for (let i = 0; i < 600; i++) {
    const jobs = await studio.handlers['jobs.list']({}, owner)
    if (jobs.every((j) => j.state !== 'running' && j.state !== 'queued')) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('demo import did not finish')
}

describe('first start on the built-in world', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('seeds one demo project with the world taxonomy and its sample images, once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'popalign-demo-'))
    const studio = await openStudio({ workspaceDir: dir, config: testConfig(), demoResourcesDir: resourcesDir, log: quiet })
    await waitForJobs(studio)
    const [project] = studio.workspace.projects.list()
    expect(project.name).toBe(DEMO_PROJECT_NAME)
    expect(studio.workspace.axes.list(project.id).map((a) => [a.name, a.classes.length])).toEqual([
      ['silhouette', 2],
      ['tone', 6]
    ])
    const prompts = studio.workspace.prompts.list(project.id)
    expect(prompts.length).toBe(4)
    expect(prompts.reduce((n, p) => n + p.imageCount, 0)).toBe(80)
    await studio.close()

    // Reopening (or deleting the demo and reopening) never seeds a second copy.
    const again = await openStudio({ workspaceDir: dir, config: testConfig(), demoResourcesDir: resourcesDir, log: quiet })
    expect(again.workspace.projects.list()).toHaveLength(1)
    await again.close()
  })

  it('makes the demo ready to label: three random sets per prompt and the pairs between them, once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'popalign-demo-'))
    const logged: string[] = []
    const studio = await openStudio({ workspaceDir: dir, config: testConfig(), demoResourcesDir: resourcesDir, log: (l) => logged.push(l) })
    await waitForJobs(studio)
    const [project] = studio.workspace.projects.list()
    const ws = studio.workspace
    // The sets are made once the import's last event is out; wait for the pairs that come after them.
    for (let i = 0; i < 100 && ws.pairs.count(project.id) < 12; i++) await new Promise((r) => setTimeout(r, 50))
    const prompts = ws.prompts.list(project.id)
    for (const prompt of prompts) {
      const sets = ws.sets.list(project.id, prompt.id)
      expect(sets.map((s) => [s.origin, s.imageIds.length])).toEqual([
        ['random', DEMO_SET_SIZE],
        ['random', DEMO_SET_SIZE],
        ['random', DEMO_SET_SIZE]
      ])
      const own = new Set(ws.images.idsOfPrompt(prompt.id))
      for (const set of sets) {
        expect(new Set(set.imageIds).size).toBe(DEMO_SET_SIZE)
        expect(set.imageIds.every((id) => own.has(id))).toBe(true)
      }
    }
    const pairs = ws.pairs.list(project.id)
    // Every two sets of a prompt, never across prompts: 3 pairs for each of the 4 prompts.
    expect(prompts.map((p) => pairs.filter((pair) => pair.promptId === p.id).length)).toEqual([3, 3, 3, 3])
    expect((await studio.handlers['projects.list']({}, { annotatorId: ws.annotators.owner().id, scope: 'owner' }))[0].counts).toEqual({
      images: 80,
      sets: 12,
      pairs: 12,
      labelledPairs: 0,
      importsRunning: 0,
      mine: { pairs: 12, labelledPairs: 0 }
    })
    await studio.close()
    expect(logged.filter((l) => l.includes('could not be made'))).toEqual([])

    // A restart (even one that lost the ready marker, as a crash before it was written would) adds nothing.
    unlinkSync(join(dir, 'demo-ready'))
    const again = await openStudio({ workspaceDir: dir, config: testConfig(), demoResourcesDir: resourcesDir, log: quiet })
    await waitForJobs(again)
    await again.close()
    const third = await openStudio({ workspaceDir: dir, config: testConfig(), demoResourcesDir: resourcesDir, log: quiet })
    expect([third.workspace.sets.list(project.id).length, third.workspace.pairs.count(project.id)]).toEqual([12, 12])
    await third.close()
  })

  it('leaves a workspace empty when no demo folder is given (tests, embedders)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'popalign-demo-'))
    const studio = await openStudio({ workspaceDir: dir, config: testConfig(), log: quiet })
    expect(studio.workspace.projects.list()).toHaveLength(0)
    await studio.close()
  })
})
