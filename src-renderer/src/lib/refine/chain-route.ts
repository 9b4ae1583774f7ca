// The refinement screen keeps the open chain in the address (#/p/<project>/refine/<chain>), so a
// reload or a restart of the server comes back to the same chain. The app's router ignores the tail.
export function chainIdFromHash(hash: string): number | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  if (parts[0] !== 'p' || parts[2] !== 'refine' || parts[3] === undefined) return null
  const id = Number(parts[3])
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

export function chainHash(projectId: number, chainId: number | null): string {
  return chainId === null ? `#/p/${projectId}/refine` : `#/p/${projectId}/refine/${chainId}`
}
