// The application menu as a pure function of where the app runs (issue 11, Electron shell). Electron's
// default menu has Reload and Toggle Developer Tools (Ctrl+R, Ctrl+Shift+I, F12) in every build; in a
// packaged app DevTools are a console into the main window's privileges (window.api), and a reload
// drops the labelling screen's unsaved state, so the packaged menu has neither. A development build
// keeps both.
import type { MenuItemConstructorOptions } from 'electron'

export interface MenuContext {
  /** app.isPackaged */
  isPackaged: boolean
  /** process.platform */
  platform: NodeJS.Platform
  appName: string
}

/** Roles that open DevTools or reload the page: development builds only. */
export const DEVELOPMENT_ROLES: ReadonlySet<string> = new Set(['toggleDevTools', 'reload', 'forceReload'])

export function menuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin'
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }]
  if (!ctx.isPackaged) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' })
  return [
    ...(mac
      ? [
          {
            label: ctx.appName,
            submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }]
          } satisfies MenuItemConstructorOptions
        ]
      : []),
    { label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    // Text fields (prompts, names, paths) need the clipboard shortcuts, which on macOS come from this menu.
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }]
    },
    { label: 'View', submenu: view },
    { label: 'Window', submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] }
  ]
}
