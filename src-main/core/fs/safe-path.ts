// The ONLY way an untrusted string (a URL path, a CSV cell, a sidecar JSON field, a stored DB path)
// becomes a filesystem path. See docs/methods/security.md §Serving local images safely and §Known bugs in annotation tools: prefix checks
// without a separator (`root-evil/`), encoded `..`, symlinks pointing out and NUL bytes were all real
// bugs in annotation tools, so every check below is deliberate and covered by
// test/security/safe-path.test.ts.
import { realpathSync, statSync } from 'node:fs'
import path from 'node:path'

/** Thrown when an untrusted path is refused; the message names the problem, never file contents. */
export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError'
  constructor(
    message: string,
    /** The input as received, for logs (truncated so a huge input cannot flood them). */
    readonly untrusted: string
  ) {
    super(message)
  }
}

export interface ResolveInsideOptions {
  /** Allowed extensions, lower-case with the dot (e.g. `['.png', '.jpg']`); compared case-insensitively. */
  extensions?: readonly string[]
  /**
   * Percent-decode the input once first (default true: the input is usually a URL path). Import
   * turns this off for CSV/JSON cells, where `%` is an ordinary file-name character.
   */
  decode?: boolean
}

const MAX_INPUT_LENGTH = 4096

/**
 * The real path of the regular file that `untrusted` names inside `root`, or an UnsafePathError.
 *
 * `untrusted` may be relative to `root` or absolute (stored paths are absolute); either way the
 * real file, after following every symlink, must lie strictly inside the real `root`.
 */
export function resolveInside(root: string, untrusted: string, opts: ResolveInsideOptions = {}): string {
  if (typeof untrusted !== 'string') throw new UnsafePathError('path is not a string', String(untrusted))
  const shown = untrusted.slice(0, 200)
  const refuse = (why: string): never => {
    throw new UnsafePathError(`unsafe path ${JSON.stringify(shown)}: ${why}`, shown)
  }
  if (untrusted.length === 0) refuse('path is empty')
  if (untrusted.length > MAX_INPUT_LENGTH) refuse(`path is longer than ${MAX_INPUT_LENGTH} characters`)

  // 1. Decode once. A second layer of encoding left after that is refused rather than decoded
  //    again, because some later consumer might decode it and see `../`.
  let decoded = untrusted
  if (opts.decode !== false) {
    try {
      decoded = decodeURIComponent(untrusted)
    } catch {
      refuse('malformed percent-encoding')
    }
    if (/%(2e|2f|5c|25|00)/i.test(decoded)) refuse('path is encoded more than once')
  }

  // 2. NUL bytes truncate paths in C APIs: never let one through.
  if (decoded.includes('\0')) refuse('path contains a NUL byte')

  // Windows forms are refused on every platform: a dataset written on Windows must not be able to
  // reach another drive or a network share when the workspace is later opened there.
  if (/^[a-zA-Z]:/.test(decoded)) refuse('Windows drive paths are not allowed')
  if (/^[\\/]{2}/.test(decoded)) refuse('UNC and network paths are not allowed')
  // Backslashes are separators on Windows; treating them as separators everywhere makes `..\` a
  // traversal on every platform instead of an odd file name on Linux.
  const unified = decoded.replace(/\\/g, '/')

  const segments = unified.split('/')
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || segment === '') continue
    // Windows drops trailing dots and spaces (`a.png.` opens `a.png`), so such names are ambiguous.
    if (/[. ]$/.test(segment)) refuse('a path segment ends with a dot or a space')
    // Filesystems that normalise Unicode (macOS, some Windows setups) could turn a look-alike such
    // as `．．` (fullwidth dots) into `..`.
    if (segment.normalize('NFKC') === '..' || segment.normalize('NFKC').split('/').includes('..')) {
      refuse('a path segment is a Unicode look-alike of ".."')
    }
  }

  // 3-4. Resolve, then follow symlinks on both sides so a link inside the root cannot point out.
  let rootReal: string
  try {
    rootReal = realpathSync(root)
  } catch {
    return refuse('the root folder does not exist')
  }
  const candidate = path.resolve(rootReal, unified)
  if (candidate === rootReal) refuse('path names the root folder itself, not a file inside it')
  // Catch plain `../` before touching the filesystem, so the error says what happened even when
  // the outside target does not exist.
  if (!isStrictlyInside(rootReal, candidate) && !isStrictlyInside(path.resolve(root), candidate)) {
    refuse('path leads outside its root folder')
  }
  let real: string
  try {
    real = realpathSync(candidate)
  } catch {
    return refuse('file does not exist')
  }
  // 5. The real path must be strictly inside the real root (not the root itself).
  if (!isStrictlyInside(rootReal, real)) refuse('path leads outside its root folder (through a symlink)')

  // 6. Extension allowlist, checked on the real file so a link `x.png -> secret` is refused.
  if (opts.extensions) {
    const ext = path.extname(real).toLowerCase()
    const allowed = opts.extensions.map((e) => e.toLowerCase())
    if (!allowed.includes(ext)) refuse(`extension "${ext || '(none)'}" is not one of ${allowed.join(', ')}`)
  }

  // 7. Only regular files: not folders, devices, FIFOs or sockets.
  let isFile = false
  try {
    isFile = statSync(real).isFile()
  } catch {
    refuse('file cannot be read')
  }
  if (!isFile) refuse('not a regular file')
  return real
}

/** True when `child` is inside `parent` and is not `parent` itself; compares whole segments. */
export function isStrictlyInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child)
  if (rel === '' || path.isAbsolute(rel)) return false
  const first = rel.split(path.sep)[0]
  return first !== '..'
}
