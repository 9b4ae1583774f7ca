// "Reveal in folder" after an export (issue 10, native pickers): the desktop shell shows the written
// file in the system's file manager. Only an existing regular file named by an absolute path is
// shown (no links, folders or devices), and only where a desktop shell provides the reveal: serve
// mode runs on a machine whose screen the browser does not see, so it says where the file is instead.
import { lstatSync } from 'node:fs'
import { isAbsolute, normalize } from 'node:path'

/** Shows a file in the system's file manager (Electron's shell.showItemInFolder). */
export type RevealFile = (path: string) => void

/** The system's folder dialog (Electron's dialog.showOpenDialog); resolves null when the user closes it. */
export type PickFolder = (purpose: string) => Promise<string | null>

export class RevealRefused extends Error {
  override readonly name = 'RevealRefused'
}

/** Checks `path` and hands it to `reveal`; throws RevealRefused with the reason in the user's words. */
export function revealFile(path: string, reveal: RevealFile | undefined): void {
  if (!reveal) throw new RevealRefused(`"Reveal in folder" works in the desktop app; the file is at ${path.slice(0, 500)}`)
  if (!isAbsolute(path)) throw new RevealRefused(`"${path.slice(0, 200)}" is not an absolute path`)
  const file = normalize(path)
  let info
  try {
    info = lstatSync(file)
  } catch {
    throw new RevealRefused(`${file.slice(0, 200)} does not exist (it may have been moved or deleted)`)
  }
  if (!info.isFile()) throw new RevealRefused(`${file.slice(0, 200)} is not a file the studio wrote`)
  reveal(file)
}
