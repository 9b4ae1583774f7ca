import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStudio, type Studio } from '../../src-main/core/studio'
import { DEMO_PROJECT_NAME } from '../../src-main/core/demo-seed'
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

  it('leaves a workspace empty when no demo folder is given (tests, embedders)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'popalign-demo-'))
    const studio = await openStudio({ workspaceDir: dir, config: testConfig(), log: quiet })
    expect(studio.workspace.projects.list()).toHaveLength(0)
    await studio.close()
  })
})
