// Types for the plain-JavaScript start script, so tests can import its helper.
export function findElectronBinary(electronDir: string | null, env?: Record<string, string | undefined>): string | null
