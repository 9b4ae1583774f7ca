// The webContents hardening against a small fake of Electron's WebContents (the one true boundary).
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { hardenWebContents, type HardenableContents } from '../../src-main/main/harden'

class FakeContents extends EventEmitter {
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

function setup(): { contents: FakeContents; opened: string[] } {
  const contents = new FakeContents()
  const opened: string[] = []
  hardenWebContents(contents as unknown as HardenableContents, { openExternal: (u) => opened.push(u) })
  return { contents, opened }
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
    const { contents, opened } = setup()
    contents.fire('will-navigate', 'https://arxiv.org/abs/2406.19668')
    contents.fire('will-navigate', 'http://plain.example/')
    contents.fire('will-navigate', 'file:///etc/passwd')
    contents.fire('will-redirect', 'https://redirected.example/')
    expect(opened).toEqual(['https://arxiv.org/abs/2406.19668'])
  })

  it('denies every new window and opens only vetted https URLs externally', () => {
    const { contents, opened } = setup()
    for (const url of ['https://example.com/a', 'app://renderer/index.html', 'smb://host/share', 'about:blank']) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' })
    }
    expect(opened).toEqual(['https://example.com/a'])
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
