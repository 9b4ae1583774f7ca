// Checks an output path the owner typed before anything is written to it: it must be absolute, free of
// NUL bytes, in a folder that exists, not a folder itself, not an existing file unless overwriting
// was asked for, and never one of the workspace's own database files (the database, its WAL and
// shared-memory files, its journal or its open marker), which an export must not be able to clobber.
import { existsSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'

export class OutPathError extends Error {}

export function checkOutPath(outPath: string, opts: { workspaceDbFile: string; overwrite: boolean }): string {
  if (outPath.includes('\0')) throw new OutPathError('the output path contains a NUL byte')
  if (!isAbsolute(outPath)) throw new OutPathError(`the output path must be absolute, got "${outPath}"`)
  const target = resolve(outPath)
  const parent = dirname(target)
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new OutPathError(`the folder "${parent}" does not exist`)
  // Compare real locations, so a symlinked folder cannot smuggle the path onto the database.
  const real = join(realpathSync(parent), basename(target))
  const dbFile = realDbFile(opts.workspaceDbFile)
  const protectedFiles = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`, `${dbFile}.running`]
  if (protectedFiles.includes(real)) throw new OutPathError(`the output path "${outPath}" is one of the workspace's database files; choose another file name`)
  if (existsSync(real)) {
    if (statSync(real).isDirectory()) throw new OutPathError(`the output path "${outPath}" is a folder; give a file name inside it`)
    if (!opts.overwrite) throw new OutPathError(`"${outPath}" already exists; choose another name or ask to overwrite it`)
  }
  return real
}

function realDbFile(file: string): string {
  const abs = resolve(file)
  const parent = dirname(abs)
  return existsSync(parent) ? join(realpathSync(parent), basename(abs)) : abs
}
