// The classifier a form picks, as the API takes it: the built-in world classifier, the photo classifier,
// or another classifier given by its mapping file (an ONNX model, or an edited photo-classifier mapping).
// Pure, so the three choices are checked the same way on every screen that offers them (the server
// checks the files again).
import type { ClassifierChoice } from '@shared/contract'

export type ClassifierKind = 'builtin' | 'photo' | 'mapping'

const isAbsolute = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)

export function toClassifierChoice(kind: ClassifierKind, mappingPath: string, onnxPath: string): { ok: true; choice: ClassifierChoice } | { ok: false; error: string } {
  if (kind !== 'mapping') return { ok: true, choice: kind }
  const mapping = mappingPath.trim()
  const onnx = onnxPath.trim()
  if (!mapping) return { ok: false, error: 'Type the absolute path of the mapping file (JSON) that ties the model’s outputs to the project’s axes.' }
  if (!isAbsolute(mapping)) return { ok: false, error: `The mapping path must be absolute: ${mapping}` }
  if (onnx && !isAbsolute(onnx)) return { ok: false, error: `The ONNX path must be absolute: ${onnx}` }
  return { ok: true, choice: onnx ? { mappingPath: mapping, onnxPath: onnx } : { mappingPath: mapping } }
}
