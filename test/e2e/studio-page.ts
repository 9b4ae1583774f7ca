// One studio and one page for a browser test file: a temporary folder, the real serve mode over a
// workspace in it, the bundled Chromium with one page that records uncaught page errors, and a close
// that undoes all of it. Files that need the folder filled first (photos, world samples) say so in
// `prepare`, which runs before the server starts so its browse roots can point there.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright'
import { launchBrowser } from './browser'
import { startServe, type ServeProcess } from './serve-process'

export interface StudioPage {
  root: string
  server: ServeProcess
  browser: Browser
  page: Page
  /** Uncaught errors of the page: a test ends by expecting none. */
  pageErrors: string[]
  close(): Promise<void>
}

export interface StudioPageOptions {
  prepare?: (root: string) => Promise<void>
  browseRoot?: boolean
  /** Extra environment of the server, e.g. POPALIGN_DEMO=1 for a workspace with the demo project. */
  env?: Record<string, string>
  viewport?: { width: number; height: number }
}

export async function openStudioPage(prefix: string, opts: StudioPageOptions = {}): Promise<StudioPage> {
  const root = mkdtempSync(join(tmpdir(), `popalign-e2e-${prefix}-`))
  let server: ServeProcess | null = null
  let browser: Browser | null = null
  const close = async (): Promise<void> => {
    await browser?.close()
    await server?.kill()
    rmSync(root, { recursive: true, force: true })
  }
  try {
    await opts.prepare?.(root)
    server = await startServe(join(root, 'workspace'), { env: { ...(opts.browseRoot ? { POPALIGN_BROWSE_ROOTS: root } : {}), ...opts.env } })
    browser = await launchBrowser()
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 900 } })
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    return { root, server, browser, page, pageErrors, close }
  } catch (e) {
    await close()
    throw e
  }
}

/** Creates a project from the Projects screen and returns its id (the app then opens its Import screen). */
export async function createProject(s: Pick<StudioPage, 'page' | 'server'>, name: string): Promise<number> {
  await s.page.goto(s.server.link)
  await s.page.getByLabel('Name').fill(name)
  await s.page.getByRole('button', { name: 'Create project' }).click()
  await s.page.waitForURL(/#\/p\/\d+\/import$/)
  return Number(s.page.url().match(/#\/p\/(\d+)\//)![1])
}
