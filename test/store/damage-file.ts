// Damages an open workspace's database file on disk the two ways the attack pass did (every page but
// the first overwritten, or the file cut to two pages), then drops the connection's page cache (as
// memory pressure would), so the next query reads the damaged pages.
import { closeSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs'
import type { Workspace } from '../../src-main/core/store/open'

export type Damage = 'pages' | 'truncate'

export function damageOpenWorkspace(ws: Workspace, how: Damage): void {
  ws.checkpoint()
  const page = ws.db.pragma('page_size', { simple: true }) as number
  const fd = openSync(ws.file, 'r+')
  try {
    if (how === 'truncate') ftruncateSync(fd, 2 * page)
    else {
      const pages = statSync(ws.file).size / page
      // Every page but the first (the header and schema): each table's rows are hit.
      for (let p = 1; p < pages; p++) writeSync(fd, Buffer.alloc(page, 0xa5), 0, page, p * page)
    }
  } finally {
    closeSync(fd)
  }
  ws.db.pragma('shrink_memory')
}
