// The folder an owner asks to import from: checked once, then used by its real path so that every
// later containment check (resolveInside) compares real paths.
import { realpathSync, statSync } from 'node:fs'
import path from 'node:path'

/** The folder cannot be imported from; the message names the folder and the problem. */
export class ImportFolderError extends Error {
  override readonly name = 'ImportFolderError'
}

/** Shown folder names are cut, so a huge input cannot flood a message or a log. */
const MAX_SHOWN = 200

export function realImportFolder(folder: string): string {
  if (typeof folder !== 'string' || folder.length === 0 || folder.includes('\0')) throw new ImportFolderError('import folder: not a valid path')
  const shown = folder.slice(0, MAX_SHOWN)
  if (!path.isAbsolute(folder)) throw new ImportFolderError(`import folder must be an absolute path: ${shown}`)
  let isDir: boolean
  try {
    isDir = statSync(folder).isDirectory()
  } catch {
    throw new ImportFolderError(`import folder does not exist: ${shown}`)
  }
  if (!isDir) throw new ImportFolderError(`import folder is not a folder: ${shown}`)
  return realpathSync(folder)
}
