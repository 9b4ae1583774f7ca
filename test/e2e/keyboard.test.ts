// The labelling and refinement screens operated by keyboard alone, from opening the studio's address
// to stored decisions: Tab / Enter to move between screens and controls, the screens' own keys to
// decide, Esc to close panels (focus returns to where it was, never trapped). No mouse click at all.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { writeFixtureFolder } from './fixture-folder'
import { startServe, type ServeProcess } from './serve-process'
import { projectWithImages, serveApi, type ServeApi } from '../renderer/serve-api'

let root: string
let browser: Browser
let page: Page
let server: ServeProcess
let api: ServeApi
let projectId = 0
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-keys-'))
  const fixture = await writeFixtureFolder(join(root, 'import-me'), { 'a photo of a pilot': 12 })
  server = await startServe(join(root, 'workspace'))
  api = serveApi(server.origin, server.token)
  projectId = await projectWithImages(api, 'Keyboard only', fixture.dir)
  const [prompt] = await api.call('prompts.list', { projectId })
  await api.call('sets.createRandom', { projectId, promptId: prompt.id, k: 5, count: 3, seed: 9 })
  await api.call('pairs.createAll', { projectId })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  // Any mouse click would show up here: the test must not need one.
  await page.exposeFunction('__clicked', (what: string) => pageErrors.push(`mouse click on ${what}`))
  await page.addInitScript(() => {
    document.addEventListener('mousedown', (e) => (window as unknown as { __clicked: (w: string) => void }).__clicked((e.target as Element).tagName), true)
  })
})

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

/** What has the focus: its tag and its accessible-ish text. */
const focused = () =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return { tag: el?.tagName ?? '', text: (el?.getAttribute('aria-label') || el?.textContent || '').trim().replace(/\s+/g, ' ') }
  })

/** Presses Tab until the focused element's text matches; fails if it never does (focus trapped or missing). */
async function tabTo(text: RegExp, max = 80): Promise<void> {
  const seen: string[] = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const f = await focused()
    seen.push(f.text)
    if (text.test(f.text)) return
  }
  throw new Error(`Tab never reached ${text}; focus went through: ${seen.join(' | ')}`)
}

const savedSeq = () => page.getByTestId('save-state').getAttribute('data-save-seq')

describe('keyboard only', () => {
  it('opens the studio and reaches the labelling screen with Tab and Enter', async () => {
    await page.goto(server.link)
    await page.getByRole('link', { name: /Keyboard only/ }).waitFor()
    await tabTo(/^Keyboard only/)
    await page.keyboard.press('Enter')
    await page.waitForURL(/#\/p\/\d+\/browse$/)
    await tabTo(/^Label$/)
    await page.keyboard.press('Enter')
    await page.waitForURL(/#\/p\/\d+\/label$/)
    await page.getByTestId('compare').waitFor()
  })

  it('labels, undoes, opens and closes panels, and changes a past decision by keyboard', async () => {
    const enabled = () => page.getByRole('button', { name: /Left is fairer/ }).isEnabled()
    await expect.poll(enabled).toBe(true)
    await page.keyboard.press('ArrowLeft')
    await expect.poll(savedSeq).toBe('1')
    await expect.poll(enabled).toBe(true)
    await page.keyboard.press('2')
    await expect.poll(savedSeq).toBe('2')
    expect(await page.getByTestId('announcer').textContent()).toContain('Right set chosen')
    await expect.poll(enabled).toBe(true)
    await page.keyboard.press('Backspace')
    await expect.poll(() => page.getByTestId('label-progress').textContent()).toMatch(/1\s*of\s*3/)
    await expect.poll(enabled).toBe(true)
    await page.keyboard.press('=')
    await expect.poll(savedSeq).toBe('3')

    await page.keyboard.press('?')
    await page.getByTestId('key-help').waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('key-help').count()).toBe(0)

    // Recent decisions: h opens the panel with the focus in it; Tab reaches a change button; Esc closes
    // it and gives the focus back to its toggle.
    await page.keyboard.press('h')
    await page.getByTestId('recent-decisions').waitFor()
    await expect.poll(async () => (await focused()).text).toBe('Your recent decisions')
    const first = page.getByTestId('recent-row').first()
    const was = await first.locator('button[aria-pressed=true]').textContent()
    const to = was === "Can't judge" ? 'Tie' : "Can't judge"
    await tabTo(new RegExp(`^${to}$`))
    await page.keyboard.press('Enter')
    await expect.poll(() => first.locator('button[aria-pressed=true]').textContent()).toBe(to)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('recent-decisions').count()).toBe(0)
    expect((await focused()).text).toMatch(/^Recent/)

    const recent = await api.call('label.recent', { projectId })
    expect(recent).toHaveLength(2)
    expect(recent.filter((r) => r.edits === 1)).toHaveLength(1)
  })

  it('moves to the refinement screen, starts a chain and judges it by keyboard', async () => {
    await tabTo(/^Refine$/)
    await page.keyboard.press('Enter')
    await page.waitForURL(/#\/p\/\d+\/refine$/)
    await tabTo(/^Start chain$/)
    await page.keyboard.press('Enter')
    await page.waitForURL(/refine\/\d+$/)
    const chainId = Number(page.url().match(/refine\/(\d+)$/)![1])
    const ready = () => page.getByRole('button', { name: /Accept the swap/ }).isEnabled()
    await expect.poll(ready).toBe(true)
    await page.keyboard.press('y')
    await expect.poll(savedSeq).toBe('1')
    await expect.poll(ready).toBe(true)
    await page.keyboard.press('n')
    await expect.poll(savedSeq).toBe('2')
    await page.keyboard.press('t')
    await page.getByTestId('tally').waitFor()
    await page.keyboard.press('?')
    await page.getByTestId('key-help').waitFor()
    await page.keyboard.press('Escape') // closes the keys panel, does not stop the chain
    await expect.poll(() => page.getByTestId('key-help').count()).toBe(0)
    expect(await page.getByTestId('chain-state').textContent()).toBe('running')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('chain-state').textContent()).toBe('finished')
    expect(await page.getByTestId('announcer').textContent()).toContain('Stopped')
    await tabTo(/^Pair: chain set wins$/)
    await page.keyboard.press('Enter')
    await page.getByTestId('winning-pair').waitFor()
    expect((await api.call('mcmc.log', { chainId })).map((e) => e.decision)).toEqual(['accept', 'reject', 'stop'])
    expect(pageErrors).toEqual([])
  })
})
