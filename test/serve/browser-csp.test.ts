// The served UI in a real Chromium (the browser the e2e tests bring along): the shipped CSP lets the
// page reach its own API and WebSocket and nothing else, and blocks inline script and eval.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { launchBrowser } from '../e2e/browser'
import { SERVE_ENTRY, startServe, type ServeProcess } from '../e2e/serve-process'
import { existsSync } from 'node:fs'

const workspace = mkdtempSync(join(tmpdir(), 'browser-csp-'))
let server: ServeProcess
let browser: Browser
let page: Page
const consoleLines: string[] = []

describe.skipIf(!existsSync(SERVE_ENTRY))('served page under its CSP in Chromium (needs `npm run build`)', () => {
  beforeAll(async () => {
    server = await startServe(workspace)
    browser = await launchBrowser()
    page = await browser.newPage()
    page.on('console', (m) => consoleLines.push(m.text()))
    await page.goto(server.link)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.kill('SIGTERM')
    rmSync(workspace, { recursive: true, force: true })
  })

  it('the token left the address bar and the page has no Electron bridge', async () => {
    expect(page.url()).toBe(`${server.origin}/`)
    expect(await page.evaluate(() => typeof (window as unknown as { api?: unknown }).api)).toBe('undefined')
    expect(await page.evaluate(() => document.cookie)).toBe('') // the session cookie is HttpOnly
  })

  it('reaches its own API and WebSocket', async () => {
    const session = await page.evaluate(() => fetch('/api/session').then((r) => r.json()))
    expect(session).toMatchObject({ scope: 'owner' })
    const ws = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(location.origin.replace('http', 'ws') + '/events')
          socket.onopen = () => resolve('open')
          socket.onerror = () => resolve('error')
        })
    )
    expect(ws).toBe('open')
  })

  it('blocks other origins, inline script and eval', async () => {
    const fetched = await page.evaluate(() =>
      fetch('http://127.0.0.1:9/').then(
        () => 'fetched',
        () => 'blocked'
      )
    )
    expect(fetched).toBe('blocked')
    expect(consoleLines.join('\n')).toMatch(/violates the following Content Security Policy directive: "connect-src 'self'"/)
    const inline = await page.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'window.__inlineRan = true'
      document.body.appendChild(s)
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true
    })
    expect(inline).toBe(false)
    // A string timer is compiled by the page itself (code run through DevTools is exempt from the
    // eval check), so it shows whether the policy allows turning strings into code.
    const evaluated = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          ;(setTimeout as unknown as (code: string, ms: number) => void)('window.__evalRan = true', 0)
          setTimeout(() => resolve((window as unknown as { __evalRan?: boolean }).__evalRan === true), 50)
        })
    )
    expect(evaluated).toBe(false)
    expect(consoleLines.join('\n')).toMatch(/unsafe-eval/)
  })
})
