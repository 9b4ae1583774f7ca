// Empty states give a next step (issue 10): on the demo project before any labelling, the Fine-tune
// screen says there is no snapshot and links to where one is made, and its snapshot list says so too.
// The real built UI in the bundled Chromium against the real serve mode.
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServeProcess } from './serve-process'
import { openStudioPage, type StudioPage } from './studio-page'
import { serveApi } from '../renderer/serve-api'

let studio: StudioPage | null = null
let page: Page
let server: ServeProcess
let pageErrors: string[] = []

beforeAll(async () => {
  studio = await openStudioPage('empty-states', { env: { POPALIGN_DEMO: '1' }, viewport: { width: 1440, height: 900 } })
  ;({ page, server, pageErrors } = studio)
}, 60_000)

afterAll(() => studio?.close())

describe('empty states with a next step', () => {
  it('Fine-tune without a snapshot links to labelling and to the snapshot form', async () => {
    await page.goto(server.link)
    // Who is signed in, in words: not "Annotator owner · served".
    await expect.poll(() => page.locator('.sidebar-foot').innerText()).toMatch(/^Signed in as owner\s+owner of this studio · in the browser$/)
    const demo = page.getByRole('link', { name: /Synthetic Population \(demo\)/ })
    await demo.waitFor()
    const id = Number((await demo.getAttribute('href'))!.match(/#\/p\/(\d+)\//)![1])
    await page.goto(`${server.origin}/#/p/${id}/finetune`)
    const note = page.getByTestId('no-snapshot')
    await note.waitFor()
    expect(await note.getByRole('link', { name: 'Judge some set pairs' }).getAttribute('href')).toBe(`#/p/${id}/label`)
    expect(await note.getByRole('link', { name: 'take a snapshot' }).getAttribute('href')).toBe(`#/p/${id}/preferences`)
    expect(await page.locator('select[name=snapshot] option').allTextContents()).toEqual(['No snapshot yet'])
    await note.getByRole('link', { name: 'take a snapshot' }).click()
    await page.getByTestId('snapshots-panel').waitFor()
    expect(pageErrors).toEqual([])
  })

  it('an image the classifier found nobody in says so, without a confidence of 0%', async () => {
    const api = serveApi(server.origin, server.token)
    const [demo] = await api.call('projects.list', {})
    const job = await api.call('classify.start', { projectId: demo.id, classifier: 'builtin' })
    await expect.poll(async () => (await api.call('jobs.get', { jobId: job.id })).state, { timeout: 60_000, interval: 500 }).toBe('done')
    const astronaut = (await api.call('prompts.list', { projectId: demo.id })).find((p) => p.text === 'a photo of an astronaut')!
    await page.goto(`${server.origin}/#/p/${demo.id}/browse`)
    await page.getByRole('button', { name: /a photo of an astronaut/ }).click()
    await page.locator('.grid-cell').first().click()
    const detail = page.getByTestId('image-detail')
    await expect.poll(() => detail.textContent()).toContain('no person found')
    expect(await detail.textContent()).not.toMatch(/no person found\s*\(\d+% sure\)/)
    expect(astronaut.imageCount).toBe(20)
    expect(pageErrors).toEqual([])
  })
})
