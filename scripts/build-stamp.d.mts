// Types for the plain-JavaScript build stamp, so tests can import it.
export const BUILD_INPUTS: readonly string[]
export const BUILD_OUTPUTS: readonly string[]
export const STAMP_FILE: string
export function sourceHash(root: string): string
export function buildIsCurrent(root: string, hash?: string): boolean
export function writeStamp(root: string, hash: string): void
/** Builds out/ when the sources changed since the last build (one line while it builds); returns whether it built. */
export function buildIfChanged(dir?: string, log?: (line: string) => void): boolean
