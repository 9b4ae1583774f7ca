// A pair holds two sets of the same size (a set of 6 shows more variety than a set of 2 by size
// alone). In the real built UI against the real serve mode: "Create all pairs" says which sets it left
// unpaired and why, and a pair of different sizes kept from an older workspace is marked in the list.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFixtureFolder } from './fixture-folder'
import { checkScreen } from './screen-check'
import type { ServeProcess } from './serve-process'
import { openStudioPage, type StudioPage } from './studio-page'
import { projectWithImages, serveApi } from '../renderer/serve-api'

let studio: StudioPage | null = null
let page: Page
let server: ServeProcess
let root: string

beforeAll(async () => {
  studio = await openStudioPage('pairs-sizes', { viewport: { width: 1280, height: 900 } })
  ;({ page, server, root } = studio)
}, 60_000)

afterAll(() => studio?.close())

describe('pairs of sets of one size', () => {
  it('pairs only sets of the same size, says how many were left unpaired, and marks an old pair of different sizes', async () => {
    const api = serveApi(server.origin, server.token)
    const folder = await writeFixtureFolder(join(root, 'import'), { 'a photo of a doctor': 12, 'a photo of a nurse': 8 })
    const projectId = await projectWithImages(api, 'Doctors', folder.dir)
    const prompts = await api.call('prompts.list', { projectId })
    const doctor = prompts.find((p) => p.text === 'a photo of a doctor')!
    const nurse = prompts.find((p) => p.text === 'a photo of a nurse')!
    // Doctor: three sets of 3 (3 pairs) and one of 5 (no partner). Nurse: one set of 2, one of 4 (no partner either).
    await api.call('sets.createRandom', { projectId, promptId: doctor.id, k: 3, count: 3, seed: 1 })
    await api.call('sets.createRandom', { projectId, promptId: doctor.id, k: 5, count: 1, seed: 2 })
    const [two] = await api.call('sets.createRandom', { projectId, promptId: nurse.id, k: 2, count: 1, seed: 3 })
    const [four] = await api.call('sets.createRandom', { projectId, promptId: nurse.id, k: 4, count: 1, seed: 4 })
    // An older workspace may hold a pair of different sizes: written straight into the file, as the old studio did.
    const db = new Database(join(root, 'workspace', 'workspace.db'), { fileMustExist: true, timeout: 10_000 })
    try {
      db.prepare('INSERT INTO set_pairs (project_id, prompt_id, set_a, set_b) VALUES (?, ?, ?, ?)').run(projectId, nurse.id, two.id, four.id)
    } finally {
      db.close()
    }

    await page.goto(server.link) // signs the page in
    await page.goto(`${server.origin}/#/p/${projectId}/pairs`)
    await expect.poll(() => page.getByTestId('pair-count').textContent()).toMatch(/^1 pair over 1 prompt;/)
    await page.getByRole('button', { name: 'Create all pairs' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Created 3 pairs. 3 sets were left unpaired: no other set of their prompt has the same number of images.')
    await expect.poll(() => page.getByTestId('pair-count').textContent()).toMatch(/^4 pairs over 2 prompts/)
    // Only the kept old pair is marked.
    expect((await page.getByTestId('pair-sizes-differ').allTextContents()).map((t) => t.trim())).toEqual(['sizes differ: 2 vs 4'])
    await checkScreen(page, 'pairs-sizes', 'pairs-unpaired')
    expect(studio!.pageErrors).toEqual([])
  }, 60_000)
})
