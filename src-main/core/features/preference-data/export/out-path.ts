// The one check every export path goes through (export.start for trainers' files, report.export for
// bias reports), before anything is written to it.
//
// An attack pass replaced the live workspace.db with a report (report.export had its own, weaker
// check, and "overwrite" renamed the report onto the database): the workspace lost its projects and
// could not be opened again. So one function decides, for both:
//   - the path is absolute, has no NUL byte, and its folder exists;
//   - it lies under an allowed root (the entry point's exportRoots: the home folder, the temp folder,
//     removable media, or $POPALIGN_EXPORT_ROOTS; core/config.ts), compared by real path so a symlinked
//     folder cannot lead elsewhere;
//   - it is none of the workspace's own files: the database and its -wal/-shm/-journal files, open
//     marker and pre-upgrade backups, token files, and nothing inside the thumbnails, reports, backups
//     or damaged (restored-from) folders;
//   - an existing target must be a regular file (not a folder, device, FIFO, socket or symlink),
//     and is replaced only when overwriting was asked for.
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { isBackupOf } from '../../../store/backup'
import { BACKUP_FOLDER } from '../../../store/daily-backup'
import { DAMAGED_FOLDER } from '../../../store/restore'
import { kindOf } from '../../../fs/read-regular'
import { isStrictlyInside } from '../../../fs/safe-path'

export class OutPathError extends Error {
  override readonly name = 'OutPathError'
  constructor(
    message: string,
    /** 'conflict' when only the overwrite flag stands in the way; the API answers with it. */
    readonly code: 'bad_request' | 'conflict' = 'bad_request'
  ) {
    super(message)
  }
}

export interface OutPathOptions {
  /** The open workspace's database file; its folder's own files are refused. */
  workspaceDbFile: string
  overwrite: boolean
  /** Folders exports may go under (StudioConfig.exportRoots, decided by the entry point). */
  allowedRoots: readonly string[]
}

/** Names in the workspace folder that belong to the studio, whatever the database file is called. */
const WORKSPACE_FILE = /^(workspace\.db|owner-token)(-wal|-shm|-journal|\.running)?$|^workspace\.lock$|token/i
const WORKSPACE_FOLDERS = ['thumbs', 'reports', BACKUP_FOLDER, DAMAGED_FOLDER]
const SHOWN = 200

/** The real path to write to, or an OutPathError naming the problem. */
export function checkOutPath(outPath: string, opts: OutPathOptions): string {
  const shown = outPath.slice(0, SHOWN)
  if (outPath.includes('\0')) throw new OutPathError('the output path contains a NUL byte')
  if (!isAbsolute(outPath)) throw new OutPathError(`the output path must be absolute, got "${shown}"`)
  const target = resolve(outPath)
  const parent = dirname(target)
  if (!isFolder(parent)) throw new OutPathError(`the folder "${parent.slice(0, SHOWN)}" does not exist`)
  // Compare real locations, so a symlinked folder cannot smuggle the path onto the database.
  const real = join(realpathSync(parent), basename(target))

  const roots = opts.allowedRoots.filter(isFolder).map((r) => realpathSync(r))
  if (!roots.some((root) => isStrictlyInside(root, real))) {
    throw new OutPathError(`"${shown}" is outside the folders exports may be written to (${roots.join(', ') || 'none'}); choose a file in your home folder`)
  }
  if (isWorkspaceOwn(real, opts.workspaceDbFile)) {
    throw new OutPathError(`the output path "${shown}" is one of the workspace's database files or folders; choose another file name`)
  }

  const existing = lstatOrNull(real)
  if (existing) {
    if (existing.isDirectory()) throw new OutPathError(`the output path "${shown}" is a folder; give a file name inside it`)
    if (!existing.isFile()) throw new OutPathError(`the output path "${shown}" is ${kindOf(existing)}, not a regular file; choose another name`)
    if (!opts.overwrite) throw new OutPathError(`"${shown}" already exists; choose another name or ask to overwrite it`, 'conflict')
  }
  return real
}

/** True for the database, its companions, token files, and anything in the thumbnails or reports folders. */
function isWorkspaceOwn(real: string, workspaceDbFile: string): boolean {
  const dbFile = realDbFile(workspaceDbFile)
  const dir = dirname(dbFile)
  if ([dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`, `${dbFile}.running`].includes(real) || isBackupOf(dbFile, real)) return true
  if (WORKSPACE_FOLDERS.some((f) => real === join(dir, f) || isStrictlyInside(join(dir, f), real))) return true
  return dirname(real) === dir && WORKSPACE_FILE.test(basename(real))
}

function realDbFile(file: string): string {
  const abs = resolve(file)
  const parent = dirname(abs)
  return isFolder(parent) ? join(realpathSync(parent), basename(abs)) : abs
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p)
  } catch {
    return null
  }
}
