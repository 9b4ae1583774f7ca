// The server-side folder browser of serve mode (issue 10, "native pickers"): a browser cannot open a
// folder dialog on the machine the studio runs on, so the owner picks import folders and export
// destinations from listings the server makes. Listings are confined to allowed roots (the owner's
// home folder unless configured): a path outside them, one that passes through a symbolic link, or
// one that is not a plain folder is refused, and links and special files are never listed, so the
// browser cannot be walked out of its roots or made to block on a FIFO.
import { lstatSync, readdirSync, realpathSync } from 'node:fs'
import { dirname, extname, isAbsolute, resolve, sep } from 'node:path'
import { IMPORT_IMAGE_EXTENSIONS } from './limits'

/** At most this many sub-folders are listed (sorted by name; the rest are counted). */
export const MAX_LISTED_FOLDERS = 2000

export interface FolderListing {
  /** The folder listed (its real path). */
  path: string
  /** Its parent, or null when it is one of the roots. */
  parent: string | null
  /** The allowed roots (real paths), for the picker's shortcuts. */
  roots: string[]
  /** Sub-folders by name (no hidden ones, no links). */
  folders: string[]
  /** Sub-folders left out past MAX_LISTED_FOLDERS. */
  moreFolders: number
  /** Regular files an import would take (by extension), and the other regular files. */
  imageFiles: number
  otherFiles: number
}

/** A path the browser will not show, with the reason in the user's words. */
export class BrowseRefused extends Error {
  override readonly name = 'BrowseRefused'
}

function realRoots(roots: readonly string[]): string[] {
  const out: string[] = []
  for (const root of roots) {
    try {
      const real = realpathSync(root)
      if (lstatSync(real).isDirectory() && !out.includes(real)) out.push(real)
    } catch {
      // A configured root that does not exist (yet) is simply not offered.
    }
  }
  return out
}

const inside = (path: string, root: string): boolean => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)

/** Lists `path` (absolute), or the first root when `path` is null. */
export function browseFolder(roots: readonly string[], path: string | null): FolderListing {
  const allowed = realRoots(roots)
  if (allowed.length === 0) throw new BrowseRefused('there is no folder this studio may show (its allowed folders do not exist)')
  const asked = path === null ? allowed[0] : path
  if (!isAbsolute(asked)) throw new BrowseRefused(`"${asked.slice(0, 200)}" is not an absolute path`)
  const wanted = resolve(asked)
  let real: string
  try {
    real = realpathSync(wanted)
  } catch {
    throw new BrowseRefused(`the folder ${wanted.slice(0, 200)} does not exist`)
  }
  // A link anywhere on the way could lead out of the roots; the browser follows none.
  if (real !== wanted) throw new BrowseRefused(`${wanted.slice(0, 200)} goes through a symbolic link; choose the folder it points to`)
  const root = allowed.find((r) => inside(real, r))
  if (!root) throw new BrowseRefused(`${real.slice(0, 200)} is outside the folders this studio may show (${allowed.join(', ')})`)
  if (!lstatSync(real).isDirectory()) throw new BrowseRefused(`${real.slice(0, 200)} is not a folder`)

  const folders: string[] = []
  let imageFiles = 0
  let otherFiles = 0
  let entries
  try {
    entries = readdirSync(real, { withFileTypes: true })
  } catch (err) {
    throw new BrowseRefused(`the folder ${real.slice(0, 200)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  // Dirent types come from the folder itself (no stat, no following): links and special files are
  // neither folders nor regular files here, so they are left out.
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!e.name.startsWith('.')) folders.push(e.name)
    } else if (e.isFile()) {
      if (IMPORT_IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())) imageFiles++
      else otherFiles++
    }
  }
  folders.sort((a, b) => a.localeCompare(b))
  return {
    path: real,
    parent: real === root ? null : dirname(real),
    roots: allowed,
    folders: folders.slice(0, MAX_LISTED_FOLDERS),
    moreFolders: Math.max(0, folders.length - MAX_LISTED_FOLDERS),
    imageFiles,
    otherFiles
  }
}
