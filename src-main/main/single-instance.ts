// One desktop instance (issue 11, finding 5): a second launch hands over to the first, which brings
// its window to the front, and exits. Written against the slice of Electron's app it uses, so the
// decision is tested under Node; the workspace lock (core/store/workspace-lock.ts) also refuses any other
// process, serve mode included.

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean
  on(event: 'second-instance', listener: () => void): unknown
  exit(code?: number): void
}

export interface FocusableWindow {
  isDestroyed(): boolean
  isMinimized(): boolean
  restore(): void
  focus(): void
}

/** True when this process is the one instance; otherwise it has been told to exit. */
export function claimSingleInstance(app: SingleInstanceApp, mainWindow: () => FocusableWindow | null, log: (line: string) => void = console.error): boolean {
  if (!app.requestSingleInstanceLock()) {
    log('PopAlign Studio is already running; its window was brought to the front.')
    app.exit(0)
    return false
  }
  app.on('second-instance', () => {
    const window = mainWindow()
    if (!window || window.isDestroyed()) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  return true
}
