// The main window's options as a pure function, so the security-relevant flags are unit-tested
// (docs/methods/security.md §Electron checklist, items 2-4, 6, 8-10): isolated, sandboxed, no Node in any frame or worker.
import type { BrowserWindowConstructorOptions } from 'electron'

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  if (!preloadPath.endsWith('.js')) {
    // A sandboxed preload must be CommonJS; an .mjs preload silently forces the sandbox off.
    throw new Error(`preload must be a CommonJS .js file, got "${preloadPath}"`)
  }
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'PopAlign Studio',
    backgroundColor: '#111418',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false
      // webSecurity, allowRunningInsecureContent, experimentalFeatures and enableBlinkFeatures are
      // left at their safe defaults on purpose; a static test greps out/ for them.
    }
  }
}
