// Electron main process: wires the hardened shell to the studio core. Little logic lives here; the
// security decisions are pure functions in ./security and ./harden.ts, tested under Node.
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrowserWindow, Menu, app, dialog, ipcMain, session, shell } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '@shared/window-api'
import { listBackups } from '../core/store/daily-backup'
import { restoreClosedWorkspace } from '../core/store/restore'
import { configFromEnvironment } from '../core/config'
import { defaultWorkspaceDir } from '../core/serve/args'
import { openStudio, WORKSPACE_DB_FILE, type Studio } from '../core/studio'
import { hardenWebContents } from './harden'
import { createInvokeHandler } from './ipc'
import { lockDownSession } from './lockdown'
import { menuTemplate } from './menu'
import { handleSchemes, registerPrivilegedSchemes } from './protocol'
import { APP_ENTRY_URL } from './security/urls'
import { mainWindowOptions } from './security/window-options'
import { claimSingleInstance } from './single-instance'
import { startFailureOffer } from './start-failure'

const log = (line: string): void => console.warn(`[main] ${line}`)

// Every renderer is sandboxed, whatever a window's own options say.
app.enableSandbox()
registerPrivilegedSchemes()

app.on('web-contents-created', (_event, contents) => {
  hardenWebContents(contents, { openExternal: (url) => void shell.openExternal(url), log, allowDevTools: !app.isPackaged })
})

let studio: Studio | null = null
let mainWindow: BrowserWindow | null = null

async function start(): Promise<void> {
  lockDownSession(session.defaultSession, log)
  // Packaged builds: no DevTools and no reload in the menu (or behind its shortcuts).
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isPackaged: app.isPackaged, platform: process.platform, appName: app.getName() })))

  // Packaged: the resources folder ships beside app.asar; from a build: the repository's resources/.
  const config = configFromEnvironment(process.env, {
    home: homedir(),
    tmp: tmpdir(),
    resourcesDir: app.isPackaged ? join(process.resourcesPath, 'resources') : join(__dirname, '../../resources')
  })
  // "Reveal in folder" after an export: the path is checked by the core (an existing regular file) first.
  studio = await openStudio({
    workspaceDir: defaultWorkspaceDir(process.env, homedir()),
    config,
    demoResourcesDir: config.resourcesDir,
    revealFile: (path) => shell.showItemInFolder(path),
    // The system's folder dialog, on top of the studio window (import folders, export destinations, model folders).
    pickFolder: async (purpose) => {
      const options = { title: `Choose the folder to ${purpose}`, properties: ['openDirectory' as const, 'createDirectory' as const] }
      const chosen = mainWindow && !mainWindow.isDestroyed() ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options)
      return chosen.canceled ? null : (chosen.filePaths[0] ?? null)
    }
  })
  const owner = await studio.verifyToken(studio.ownerToken)
  if (!owner) throw new Error('the workspace owner token does not verify')

  handleSchemes({ rendererDir: join(__dirname, '../renderer'), imageFile: studio.imageFile, log })
  ipcMain.handle(IPC_INVOKE_CHANNEL, createInvokeHandler({ handlers: studio.handlers, owner, log }))
  studio.onEvent((name, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT_CHANNEL, name, payload)
  })

  mainWindow = new BrowserWindow(mainWindowOptions(join(__dirname, '../preload/index.js')))
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => {
    mainWindow = null
  })
  await mainWindow.loadURL(APP_ENTRY_URL)
}

// One desktop instance: a second launch focuses the first window instead of opening the workspace
// again (the workspace lock in core/studio.ts also refuses any other process, serve mode included).
if (claimSingleInstance(app, () => mainWindow)) {
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      const workspaceDir = defaultWorkspaceDir(process.env, homedir())
      const dbFile = join(workspaceDir, WORKSPACE_DB_FILE)
      const offer = startFailureOffer(err, listBackups(dbFile))
      console.error(offer.message)
      // A desktop user launched from a menu sees no console: the reason (e.g. the workspace is open in
      // another process, with its pid) is shown in a dialog before the app exits; a damaged workspace
      // with a backup can be restored from there (then the app starts again on it).
      if (offer.kind === 'restore') {
        const choice = dialog.showMessageBoxSync({
          type: 'error',
          title: 'PopAlign Studio',
          message: 'The workspace is damaged',
          detail: offer.message,
          buttons: ['Restore from backup', 'Quit'],
          defaultId: 0,
          cancelId: 1
        })
        if (choice === 0) {
          try {
            restoreClosedWorkspace(workspaceDir, dbFile, offer.backup)
            app.relaunch()
          } catch (restoreErr) {
            dialog.showErrorBox('PopAlign Studio', `The restore failed: ${restoreErr instanceof Error ? restoreErr.message : String(restoreErr)}`)
          }
        }
      } else {
        dialog.showErrorBox('PopAlign Studio', offer.message)
      }
      app.exit(1)
    })
}

app.on('window-all-closed', () => app.quit())
// Jobs stop at a safe point and the database closes cleanly before the process goes.
app.on('will-quit', (event) => {
  const closing = studio
  if (!closing) return
  studio = null
  event.preventDefault()
  closing
    .close()
    .catch((err: unknown) => log(`closing the workspace failed: ${err instanceof Error ? err.message : String(err)}`))
    .finally(() => app.exit(0))
})
