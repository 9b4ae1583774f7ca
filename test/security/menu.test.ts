// The application menu (issue 11, Electron shell): a packaged build has no DevTools and no reload,
// anywhere in the menu or behind its shortcuts; a development build keeps them. And the single-instance
// hand-over: a second launch exits, the first brings its window to the front.
import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import { DEVELOPMENT_ROLES, menuTemplate } from '../../src-main/main/menu'
import { claimSingleInstance } from '../../src-main/main/single-instance'

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])])
}
const roles = (items: MenuItemConstructorOptions[]) =>
  flatten(items)
    .map((i) => i.role)
    .filter((r): r is NonNullable<typeof r> => r !== undefined)

describe('application menu', () => {
  it.each(['linux', 'win32', 'darwin'] as const)('has no DevTools, reload or their shortcuts when packaged (%s)', (platform) => {
    const items = flatten(menuTemplate({ isPackaged: true, platform, appName: 'PopAlign Studio' }))
    expect(roles(items).filter((r) => DEVELOPMENT_ROLES.has(r))).toEqual([])
    expect(items.filter((i) => i.click !== undefined)).toEqual([]) // nothing hand-made that could open them
    const accelerators = items.map((i) => String(i.accelerator ?? '')).filter(Boolean)
    expect(accelerators.filter((a) => /F12|F5|Shift\+I|\+R$/i.test(a))).toEqual([])
    // What an annotator needs is still there: copy and paste into text fields, zoom, quit.
    expect(roles(items)).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll', 'zoomIn', 'resetZoom']))
    expect(roles(items)).toContain('quit')
  })

  it('keeps reload and DevTools in a development build', () => {
    const dev = roles(menuTemplate({ isPackaged: false, platform: 'linux', appName: 'PopAlign Studio' }))
    expect(dev).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']))
  })
})

describe('single instance', () => {
  function fakeApp(locked: boolean) {
    const calls: string[] = []
    let secondInstance: (() => void) | null = null
    return {
      calls,
      fire: () => secondInstance?.(),
      app: {
        requestSingleInstanceLock: () => locked,
        on: (_event: 'second-instance', listener: () => void) => void (secondInstance = listener),
        exit: (code?: number) => void calls.push(`exit ${code}`)
      }
    }
  }
  const window = (minimized: boolean, calls: string[]) => ({ isDestroyed: () => false, isMinimized: () => minimized, restore: () => void calls.push('restore'), focus: () => void calls.push('focus') })

  it('exits a second launch with a message', () => {
    const f = fakeApp(false)
    const lines: string[] = []
    expect(
      claimSingleInstance(
        f.app,
        () => null,
        (l) => lines.push(l)
      )
    ).toBe(false)
    expect(f.calls).toEqual(['exit 0'])
    expect(lines.join()).toMatch(/already running/)
  })

  it('brings the first instance forward when another launch hands over', () => {
    const f = fakeApp(true)
    const w = window(true, f.calls)
    expect(claimSingleInstance(f.app, () => w)).toBe(true)
    f.fire()
    expect(f.calls).toEqual(['restore', 'focus'])
  })
})
