// The first user journey, end to end: the real built UI in the bundled Chromium, driving the real
// serve mode (a child process) on a temporary workspace. Import with broken files, browse, build sets
// and pairs, label by keyboard, undo, then SIGKILL the server right after a decision was acknowledged,
// restart it, and find every acknowledged decision still stored.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { writeFixtureFolder, type FixtureFolder } from './fixture-folder'
import { startServe, type ServeProcess } from './serve-process'

const PROMPTS = { 'a photo of a doctor': 12, 'a photo of a nurse': 6 }

let root: string
let workspace: string
let fixture: FixtureFolder
let browser: Browser
let page: Page
let server: ServeProcess | null = null
let projectId = 0
const pageErrors: string[] = []

/** Decisions the UI showed as saved, in order, as the pair's a/b choice they must be stored as. */
const acknowledged: Array<{ pairId: number; choice: string; shownLeft: string }> = []
/** How many "Saved" acknowledgements the UI has shown so far (its data-save-seq). */
let saveSeq = 0

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-e2e-'))
  workspace = join(root, 'workspace')
  fixture = await writeFixtureFolder(join(root, 'import-me'), PROMPTS)
  server = await startServe(workspace)
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

const go = (screen: string) => page.goto(`${server!.origin}/#/p/${projectId}/${screen}`)
const saveState = () => page.getByTestId('save-state')

/** Presses a key on the labelling screen, expecting the decision to be saved, and records it. */
async function decide(key: string, screenSide: 'left' | 'right' | 'tie' | 'cant_judge'): Promise<void> {
  // Keys pressed while the next pair is still loading are ignored by design, so wait for it.
  await expect.poll(() => page.getByRole('button', { name: /Left is fairer/ }).isEnabled()).toBe(true)
  const compare = page.getByTestId('compare')
  const pairId = Number(await compare.getAttribute('data-pair-id'))
  const shownLeft = (await compare.getAttribute('data-shown-left')) as 'a' | 'b'
  await page.keyboard.press(key)
  await expect.poll(() => saveState().getAttribute('data-save-seq')).toBe(String(++saveSeq))
  const other = shownLeft === 'a' ? 'b' : 'a'
  const choice = screenSide === 'left' ? shownLeft : screenSide === 'right' ? other : screenSide
  acknowledged.push({ pairId, choice, shownLeft })
}

describe('first journey against the real serve mode', () => {
  it('opens with the printed link and creates a project', async () => {
    await page.goto(server!.link)
    expect(new URL(page.url()).searchParams.has('token')).toBe(false) // the token left the address bar
    await page.getByLabel('Name').fill('Doctors and nurses')
    await page.getByRole('button', { name: 'Create project' }).click()
    await page.waitForURL(/#\/p\/\d+\/import$/)
    projectId = Number(page.url().match(/#\/p\/(\d+)\//)![1])
    expect(projectId).toBeGreaterThan(0)
  })

  it('imports a folder and reports each broken file with its reason', async () => {
    await page.getByLabel('Folder path').fill(fixture.dir)
    await page.getByRole('button', { name: 'Import' }).click()
    const report = page.getByTestId('import-report')
    await report.waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('imported-count').textContent()).toBe('18')
    expect(await page.getByTestId('duplicate-count').textContent()).toBe(String(fixture.duplicates))
    expect(await page.getByTestId('failed-count').textContent()).toBe(String(fixture.broken.length))
    const rows = report.locator('tbody tr')
    expect(await rows.count()).toBe(fixture.broken.length)
    for (const name of fixture.broken) {
      const row = rows.filter({ hasText: name })
      expect(await row.count(), name).toBe(1)
      expect((await row.locator('td').nth(1).textContent())?.trim().length, `${name} has a reason`).toBeGreaterThan(3)
    }
  })

  it('browses the images of a prompt with their counts', async () => {
    await go('browse')
    const doctor = page.getByRole('button', { name: /a photo of a doctor/ })
    await expect.poll(() => doctor.textContent()).toContain('12')
    await doctor.click()
    await expect.poll(() => page.locator('[data-testid=image-grid] img').count()).toBe(12)
  })

  it('makes random sets of 5 per prompt and pairs them', async () => {
    await go('sets')
    for (const [prompt, sets] of [
      ['a photo of a doctor', 4],
      ['a photo of a nurse', 3]
    ] as const) {
      await page.getByRole('button', { name: new RegExp(prompt) }).click()
      await expect.poll(() => page.getByLabel('Images per set (k)').inputValue()).toBe('5')
      await page.getByLabel('Sets', { exact: true }).fill(String(sets))
      await page.getByRole('button', { name: 'Make random sets' }).click()
      await expect.poll(() => page.getByTestId('set-list').locator('.set-item').count()).toBe(sets)
      expect(await page.getByTestId('set-list').locator('.set-item').first().locator('img').count()).toBe(5)
    }
    await go('pairs')
    await page.getByRole('button', { name: 'Create all pairs' }).click()
    // 4 doctor sets -> 6 pairs, 3 nurse sets -> 3 pairs.
    await expect.poll(() => page.getByTestId('pair-count').textContent()).toMatch(/^9 pairs over 2 prompts/)
  })

  it('labels pairs by keyboard, with undo and the keys panel', async () => {
    await go('label')
    await page.getByTestId('set-left').locator('img').first().waitFor()
    await expect.poll(() => page.getByTestId('label-progress').textContent()).toMatch(/0\s*of\s*9/)
    await page.keyboard.press('?')
    await page.getByTestId('key-help').waitFor()
    await page.keyboard.press('?')
    await expect.poll(() => page.getByTestId('key-help').count()).toBe(0)

    await decide('ArrowLeft', 'left')
    await decide('2', 'right')
    await decide('=', 'tie')
    const undonePair = acknowledged.pop()!
    await page.keyboard.press('Backspace')
    await expect.poll(() => page.getByTestId('label-progress').textContent()).toMatch(/2\s*of\s*9/)
    await expect.poll(async () => Number(await page.getByTestId('compare').getAttribute('data-pair-id'))).toBe(undonePair.pairId)
    expect(await page.getByTestId('announcer').textContent()).toContain('Undone')
    await decide('0', 'cant_judge')
    await decide('1', 'left')
    await decide('ArrowRight', 'right')
    await expect.poll(() => page.getByTestId('label-progress').textContent()).toMatch(/5\s*of\s*9/)
    expect(await saveState().textContent()).toContain('Saved')
    expect(pageErrors).toEqual([])
  })

  it('keeps every acknowledged decision through a SIGKILL and restart', async () => {
    // The last decision was acknowledged in the UI ("Saved"); kill at once, with no chance to flush.
    await server!.kill('SIGKILL')
    server = await startServe(workspace)
    await page.goto(server.link)
    await go('label')
    await expect.poll(() => page.getByTestId('label-progress').textContent(), { timeout: 20_000 }).toMatch(new RegExp(`${acknowledged.length}\\s*of\\s*9`))

    const db = new Database(join(workspace, 'workspace.db'), { readonly: true, fileMustExist: true })
    try {
      const live = db.prepare('SELECT pair_id AS pairId, choice, shown_left AS shownLeft FROM judgements WHERE undone_at IS NULL ORDER BY id').all() as Array<{
        pairId: number
        choice: string
        shownLeft: string
      }>
      expect(live).toEqual(acknowledged)
      const undone = db.prepare('SELECT COUNT(*) AS n FROM judgements WHERE undone_at IS NOT NULL').get() as { n: number }
      expect(undone.n).toBe(1)
    } finally {
      db.close()
    }
  })
})
