// Preload: exposes only typed API functions to the renderer (filled in by the shell work).
import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('api', {})
