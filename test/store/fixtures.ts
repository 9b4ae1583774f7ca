// Builds small, real workspaces for tests: a project with prompts and image rows whose paths and
// hashes look like an import's (no pixels are needed by the store).
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { openWorkspace, type Workspace } from '../../src-main/core/store/open'
import { tempDir } from './helpers'

export function fakeSha(seed: string): string {
  return createHash('sha256').update(seed).digest('hex')
}

export function openTempWorkspace(): { ws: Workspace; dir: string; dispose(): void } {
  const tmp = tempDir()
  const ws = openWorkspace(join(tmp.dir, 'ws.sqlite'))
  return {
    ws,
    dir: tmp.dir,
    dispose() {
      ws.close()
      tmp.cleanup()
    }
  }
}

/** Adds `n` images of a prompt under a fake import root; returns their ids in insertion order. */
export function addImages(ws: Workspace, projectId: number, promptId: number, n: number, root = '/data/import'): number[] {
  const ids: number[] = []
  for (let i = 0; i < n; i++) {
    const { image } = ws.images.add({
      projectId,
      promptId,
      sha256: fakeSha(`${projectId}/${promptId}/${i}`),
      filePath: `${root}/p${promptId}/img_${i}.png`,
      rootPath: root,
      width: 64,
      height: 64,
      bytes: 1000 + i,
      seed: i,
      generator: 'test-gen'
    })
    ids.push(image.id)
  }
  return ids
}
