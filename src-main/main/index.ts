// Electron main process entry: wires the app together (filled in by the shell work).
import { app } from 'electron'

app.whenReady().then(() => {
  // placeholder until the shell lands
})
