// The webContents hardening against a small fake of Electron's WebContents (the one true boundary).
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { hardenWebContents, type HardenableContents } from '../../src-main/main/harden'

class FakeContents extends EventEmitter {
  devToolsClosed = 0
  closeDevTools(): void {
    this.devToolsClosed++
  }
  openHandler: ((details: { url: string }) => { action: string }) | null = null
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler
  }
  /** Emits like Electron: returns whether the listener called preventDefault(). */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false
    const event = { preventDefault: () => void (prevented = true), url: args[0] }
    this.emit(name, event, ...args)
    return prevented
  }
}

function setup(allowDevTools?: boolean): { contents: FakeContents; opened: string[]; clock: { t: number }; click(): void; key(key: string): void } {
  const contents = new FakeContents()
  const opened: string[] = []
  const clock = { t: 1_000_000 }
  hardenWebContents(contents as unknown as HardenableContents, { openExternal: (u) => opened.push(u), now: () => clock.t, allowDevTools })
  return {
    contents,
    opened,
    clock,
    // What Electron's main process reports before the page sees the input.
    click: () => contents.emit('before-mouse-event', { preventDefault() {} }, { type: 'mouseDown', button: 'left', x: 5, y: 5 }),
    key: (key: string) => contents.emit('before-input-event', { preventDefault() {} }, { type: 'keyDown', key })
  }
}

describe('hardenWebContents', () => {
  it.each([
    ['app://renderer/index.html#/labels', false],
    ['https://example.com/', true],
    ['app://renderer.evil/index.html', true],
    ['file:///etc/passwd', true],
    ['javascript:alert(1)', true]
  ])('will-navigate %s -> prevented %s', (url, prevented) => {
    const { contents } = setup()
    expect(contents.fire('will-navigate', url)).toBe(prevented)
    expect(contents.fire('will-frame-navigate', url)).toBe(prevented)
    expect(contents.fire('will-redirect', url)).toBe(prevented)
  })

  it('hands only vetted https links from navigation to the OS browser', () => {
    const { contents, opened, click } = setup()
    for (const url of ['https://arxiv.org/abs/2406.19668', 'http://plain.example/', 'file:///etc/passwd']) {
      click()
      contents.fire('will-navigate', url)
    }
    click()
    contents.fire('will-redirect', 'https://redirected.example/')
    expect(opened).toEqual(['https://arxiv.org/abs/2406.19668'])
  })

  it('denies every new window and opens only vetted https URLs externally', () => {
    const { contents, opened, click } = setup()
    for (const url of ['https://example.com/a', 'app://renderer/index.html', 'smb://host/share', 'about:blank']) {
      click()
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' })
    }
    expect(opened).toEqual(['https://example.com/a'])
  })

  it('never opens the OS browser without a click or key press just before (issue 11, Electron shell)', () => {
    const { contents, opened, clock, click, key } = setup()
    // A script navigating or calling window.open on its own: nothing opens, the navigation is still stopped.
    expect(contents.fire('will-navigate', 'https://no-gesture.example/')).toBe(true)
    expect(contents.openHandler?.({ url: 'https://no-gesture.example/popup' })).toEqual({ action: 'deny' })
    // Hovering is not a gesture, nor is Escape.
    contents.emit('before-mouse-event', { preventDefault() {} }, { type: 'mouseMove', x: 1, y: 1 })
    key('Escape')
    contents.fire('will-navigate', 'https://hover.example/')
    // A click opens one link, not a burst of them.
    click()
    contents.openHandler?.({ url: 'https://clicked.example/1' })
    contents.openHandler?.({ url: 'https://clicked.example/2' })
    // A gesture goes stale: a script waiting for the last click cannot use it later.
    click()
    clock.t += 1500
    contents.fire('will-navigate', 'https://late.example/')
    // Enter on a focused link counts; a refused URL does not spend the gesture.
    key('Enter')
    contents.openHandler?.({ url: 'javascript:alert(1)' })
    contents.openHandler?.({ url: 'https://keyboard.example/' })
    expect(opened).toEqual(['https://clicked.example/1', 'https://keyboard.example/'])
  })

  it('closes DevTools again in a packaged build, and leaves them alone in development', () => {
    const packaged = setup(false)
    packaged.contents.emit('devtools-opened')
    expect(packaged.contents.devToolsClosed).toBe(1)
    const dev = setup(true)
    dev.contents.emit('devtools-opened')
    expect(dev.contents.devToolsClosed).toBe(0)
  })

  it('strips and refuses every <webview>', () => {
    const { contents } = setup()
    const prefs: Record<string, unknown> = { preload: '/evil.js', nodeIntegration: true, contextIsolation: false }
    let prevented = false
    contents.emit('will-attach-webview', { preventDefault: () => void (prevented = true) }, prefs, {})
    expect(prevented).toBe(true)
    expect(prefs).toEqual({ nodeIntegration: false, contextIsolation: true })
  })
})
