import { describe, expect, it } from 'vitest'
import { mainWindowOptions } from '../../src-main/main/security/window-options'

describe('mainWindowOptions', () => {
  const prefs = mainWindowOptions('/app/out/preload/index.js').webPreferences ?? {}

  it('isolates, sandboxes and keeps Node out of every frame and worker', () => {
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.preload).toBe('/app/out/preload/index.js')
  })

  it('leaves web security and experimental switches at their safe defaults', () => {
    for (const key of ['webSecurity', 'allowRunningInsecureContent', 'experimentalFeatures', 'enableBlinkFeatures'] as const) {
      expect(Object.prototype.hasOwnProperty.call(prefs, key), key).toBe(false)
    }
  })

  it.each(['/app/out/preload/index.mjs', '/app/out/preload/index.ts', ''])('refuses a non-CJS preload %j', (p) => {
    expect(() => mainWindowOptions(p)).toThrow(/CommonJS/)
  })
})
