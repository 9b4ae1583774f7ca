// Issue 11, finding 7: classifier mapping and model paths the owner supplies are read only as
// regular files of a bounded size. /dev/zero as a mapping or model read 4.9 GB in the attack pass;
// a FIFO would block forever. Each runs in a child with a deadline, so a regression fails, not hangs.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../store/helpers'
import { runTsxChild } from '../helpers/tsx-child'
import { writeForeignClassifier } from './fixtures'

const CHILD = path.resolve(__dirname, 'helpers', 'start-child.ts')
let tmp: ReturnType<typeof tempDir>
let mapping: string
let n = 0

beforeAll(() => {
  tmp = tempDir('owner-files-')
  mapping = writeForeignClassifier(tmp.dir)
  execFileSync('mkfifo', [path.join(tmp.dir, 'pipe.json'), path.join(tmp.dir, 'pipe.onnx')])
})
afterAll(() => tmp.cleanup())

const start = (classifier: object) => runTsxChild(CHILD, [path.join(tmp.dir, `ws${++n}.sqlite`), JSON.stringify(classifier)], 20_000)

describe('owner-supplied classifier files', () => {
  it('refuses /dev/zero as a mapping', async () => {
    expect(await start({ mappingPath: '/dev/zero' })).toMatch(/refused: cannot read classifier mapping \/dev\/zero: not a regular file \(it is a device\)/)
  })
  it('refuses a FIFO as a mapping', async () => {
    expect(await start({ mappingPath: path.join(tmp.dir, 'pipe.json') })).toMatch(/refused: .*pipe\.json: not a regular file \(it is a FIFO/)
  })
  it('refuses /dev/zero and a FIFO as the ONNX model', async () => {
    expect(await start({ mappingPath: mapping, onnxPath: '/dev/zero' })).toMatch(/refused: cannot read classifier model \/dev\/zero: not a regular file \(it is a device\)/)
    expect(await start({ mappingPath: mapping, onnxPath: path.join(tmp.dir, 'pipe.onnx') })).toMatch(/refused: .*pipe\.onnx: not a regular file/)
  })
  it('still starts with real files', async () => {
    expect(await start({ mappingPath: mapping })).toMatch(/^started/m)
  })
})
