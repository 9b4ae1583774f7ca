// The "workspace damaged" panel (issue 11, finding 9) in the built renderer, in Chromium, over the real
// studio in serve mode: after the database is damaged, the page shows one panel naming the problem and
// the backup (not one failing screen after another); the owner's "Restore from backup" brings the
// workspace back and the app carries on where it was.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { takeBackup } from '../../src-main/core/store/daily-backup'
import { startServeMode, type ServeHandle } from '../../src-main/core/serve/server'
import { openStudio, type Studio } from '../../src-main/core/studio'
import { damageOpenWorkspace } from '../store/damage-file'
import { launchBrowser } from '../e2e/browser'
import { builtRendererDir } from './renderer-dir'
import { testConfig } from '../helpers/config'

let dir: string
let studio: Studio
let server: ServeHandle
let browser: Browser
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'damaged-ui-'))
  studio = await openStudio({ workspaceDir: join(dir, 'ws'), config: testConfig(), log: () => {} })
  studio.workspace.projects.create('Kept project', '')
  server = await startServeMode({
    handlers: studio.handlers,
    imageFile: studio.imageFile,
    imageAllowed: studio.imageAllowed,
    verifyToken: studio.verifyToken,
    redeemInvite: studio.redeemInvite,
    rendererDir: builtRendererDir(),
    log: () => {}
  })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await studio?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('workspace damaged panel', () => {
  it('replaces the screens with one panel, and the owner restores the backup from it', async () => {
    await page.goto(`${server.url}/?token=${studio.ownerToken}`)
    await expect.poll(() => page.getByText('Kept project').count()).toBeGreaterThan(0)
    const backup = await takeBackup(studio.workspace.db, studio.workspace.file, { now: new Date(Date.now() + 60_000) })
    damageOpenWorkspace(studio.workspace, 'pages')

    await page.reload()
    const panel = page.getByTestId('workspace-damaged')
    await panel.waitFor()
    expect(await panel.getByRole('heading').textContent()).toBe('The workspace is damaged')
    expect(await panel.textContent()).toContain(backup.file)
    // One panel: no project list behind it, no pile of error notices.
    expect(await page.getByText('Your projects').count()).toBe(0)
    expect(await page.locator('.notice').count()).toBe(0)
    // Moving to another screen does not bring the failures back.
    await page.goto(`${server.url}/#/p/1/label`)
    await panel.waitFor()
    expect(await page.locator('.notice').count()).toBe(0)

    await panel.getByRole('button', { name: 'Restore from backup' }).click()
    await expect.poll(() => page.getByTestId('workspace-damaged').count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(() => page.locator('.notices').textContent()).toContain(`Workspace restored from ${backup.file}`)
    await page.goto(`${server.url}/#/`)
    await expect.poll(() => page.getByText('Kept project').count()).toBeGreaterThan(0)
    expect(pageErrors).toEqual([])
  })
})
