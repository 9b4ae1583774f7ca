// Files the owner names by path (a classifier mapping, its ONNX model, a checkpoint). The owner is
// trusted to choose them, but not to have chosen well: the attack pass fed /dev/zero as a classifier
// model and the studio read 4.9 GB before anyone noticed. So such a path must name a regular file
// (after following the owner's own symlinks, which are legitimate here) of a bounded size, and the
// read itself goes through fs/read-regular.
import { realpathSync, statSync } from 'node:fs'
import { assertRegularWithin, FileRefusedError, readRegularFileSync } from './read-regular'

/** Largest classifier mapping read (a real one is a few KB). */
export const MAX_MAPPING_BYTES = 1024 * 1024
/** Largest ONNX model or checkpoint loaded (the shipped ones are about 1 MB; Node reads at most 2 GB). */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024

/**
 * The real path of the owner's regular file `file` of at most `maxBytes`, or a FileRefusedError
 * "cannot read <what> <file>: <problem>" (a missing file says ENOENT).
 */
export function ownerFile(file: string, what: string, maxBytes: number): string {
  const refuse = (problem: string): never => {
    throw new FileRefusedError(`cannot read ${what} ${file.slice(0, 200)}: ${problem}`)
  }
  let real = ''
  try {
    real = realpathSync(file)
    assertRegularWithin(statSync(real), maxBytes)
  } catch (e) {
    if (e instanceof FileRefusedError) refuse(e.message)
    refuse((e as NodeJS.ErrnoException).code ?? (e as Error).message)
  }
  return real
}

/** Reads the owner's file `file` after ownerFile's checks, with the read itself capped too. */
export function readOwnerFile(file: string, what: string, maxBytes: number): Buffer {
  const real = ownerFile(file, what, maxBytes)
  try {
    return readRegularFileSync(real, maxBytes)
  } catch (e) {
    throw new FileRefusedError(`cannot read ${what} ${file.slice(0, 200)}: ${(e as Error).message}`)
  }
}
