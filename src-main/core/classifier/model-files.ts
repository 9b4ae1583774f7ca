// The ONNX files a classifier mapping names (its model and optional detector). The names come from a
// downloaded classifier package, so they are resolved through resolveInside: a mapping can only point
// at files in its own folder, never at `../../` or an absolute path elsewhere on the machine.
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { MAX_MODEL_BYTES, ownerFile } from '../fs/owner-file'
import { FileRefusedError } from '../fs/read-regular'
import { resolveInside, UnsafePathError } from '../fs/safe-path'
import { MappingError } from './mapping-file'

export function mappingModelFile(mappingPath: string, name: string, what: 'model' | 'detector'): string {
  const dir = dirname(mappingPath)
  const candidate = resolve(dir, name)
  if (!existsSync(candidate)) throw new MappingError(`classifier ${what} file not found: ${candidate}`)
  let real: string
  try {
    real = resolveInside(dir, name, { decode: false })
  } catch (e) {
    if (e instanceof UnsafePathError) throw new MappingError(`classifier ${what} file refused (it must lie in the mapping's folder): ${e.message}`)
    throw e
  }
  // resolveInside proved it a regular file; the size is bounded too, so a huge file is refused up front.
  try {
    return ownerFile(real, `classifier ${what} file`, MAX_MODEL_BYTES)
  } catch (e) {
    if (e instanceof FileRefusedError) throw new MappingError(e.message)
    throw e
  }
}
