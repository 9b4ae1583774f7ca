// Checks that need the real Electron binary (docs/methods/security.md §Electron checklist, kind E). The binary cannot be
// downloaded on the project's build machines (no access to its release host), so this file skips
// itself there; on a machine with the binary it launches the built app with Playwright.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { _electron, type ElectronApplication, type Page } from 'playwright'
import { findElectronBinary } from '../../scripts/start.mjs'

const root = resolve(__dirname, '../..')
const binary: string | null = findElectronBinary(join(root, 'node_modules/electron'), process.env)

describe.skipIf(binary === null)('the Electron app (skipped: the Electron binary is not installed on this machine)', () => {
  let workspace = ''
  let app: ElectronApplication
  let page: Page

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'electron-app-'))
    app = await _electron.launch({ executablePath: binary!, args: [root], env: { ...process.env, POPALIGN_WORKSPACE: workspace } })
    page = await app.firstWindow()
  })
  afterAll(async () => {
    await app?.close()
    if (workspace) rmSync(workspace, { recursive: true, force: true })
  })

  it('loads the renderer from app:// with isolation and sandbox on', async () => {
    expect(page.url()).toMatch(/^app:\/\/renderer\//)
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      // getLastWebPreferences is missing from some Electron typings; read it structurally.
      const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null }
      const p = contents.getLastWebPreferences()
      return { contextIsolation: p?.contextIsolation, sandbox: p?.sandbox, nodeIntegration: p?.nodeIntegration }
    })
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false })
  })

  it('gives the page window.api with exactly the contract functions, and no Node', async () => {
    expect(await page.evaluate(() => Object.keys((window as unknown as { api: object }).api).sort())).toEqual(['imageUrl', 'invoke', 'onEvent'])
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
  })

  it('denies new windows, foreign navigation, permissions and file:// reads', async () => {
    const before = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true)
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(before)
    const url = page.url()
    await page.evaluate(() => (location.href = 'https://example.com/'))
    await page.waitForTimeout(300)
    expect(page.url()).toBe(url)
    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied')
    expect(
      await page.evaluate(() =>
        fetch('file:///etc/passwd').then(
          () => 'read',
          () => 'refused'
        )
      )
    ).toBe('refused')
  })

  it('answers API calls over IPC', async () => {
    const res = await page.evaluate(() => (window as unknown as { api: { invoke(m: string, i: unknown): Promise<unknown> } }).api.invoke('session.whoami', {}))
    expect(res).toMatchObject({ ok: true, value: { scope: 'owner' } })
  })
})
