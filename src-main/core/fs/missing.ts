// Telling "the file or folder is not there" apart from every other I/O failure, so that code which
// treats absence as empty does not also hide a permission or disk error behind an empty result.

/** True when `err` says the path (or one of its parent folders) does not exist. */
export function isMissingPath(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
