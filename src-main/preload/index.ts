// Preload (CommonJS, sandboxed): exposes `window.api` with three typed functions and nothing else.
// No ipcRenderer, no require, no Node objects cross the bridge (docs/methods/security.md §Electron checklist, item 20). Every
// payload is validated again in the main process; this file only forwards.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, desktopImageUrl, type ApiEvent, type WindowApi } from '@shared/window-api'

const api: WindowApi = {
  invoke: (method, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input),
  onEvent(listener) {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function')
    // Wrap so the page never receives the IpcRendererEvent (it carries `sender`).
    const forward = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => listener({ name, payload } as ApiEvent)
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward)
    }
  },
  imageUrl: (id, variant) => desktopImageUrl(id, variant)
}

contextBridge.exposeInMainWorld('api', api)
