// Paths typed by the user for files the studio writes (exports): the folder picker chooses a folder,
// the file name the user typed (or the suggested one) stays.

/** The folder part of a typed path ("" when it names no folder), for where the picker starts. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash > 0 ? path.slice(0, slash) : slash === 0 ? '/' : ''
}

/** `folder` joined with the file name of `path`, or with `fallbackName` when `path` names none. */
export function inFolder(folder: string, path: string, fallbackName: string): string {
  const name = path.trim().split('/').pop() || fallbackName
  return `${folder.replace(/\/+$/, '')}/${name}`
}
