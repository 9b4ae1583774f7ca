// The building blocks every domain of the contract shares: ids, names, paths, the judging vocabulary
// and the scopes a session can hold, plus `method`, which pairs a method's input and output schemas.
import { z } from 'zod'

export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
export const Name = z.string().trim().min(1).max(200)
export const LongText = z.string().max(10_000)
/** Absolute folder or file path typed by the owner; checked again by the core before any file access. */
export const FsPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')

export const Criterion = z.enum(['fairness', 'quality'])
export type Criterion = z.infer<typeof Criterion>
/** A choice is stored relative to the pair's sets a and b, never relative to screen sides. */
export const Choice = z.enum(['a', 'b', 'tie', 'cant_judge'])
export type Choice = z.infer<typeof Choice>
export const SetSide = z.enum(['a', 'b'])
export type SetSide = z.infer<typeof SetSide>
export const PromptKind = z.enum(['neutral', 'specific'])
export const Scope = z.enum(['owner', 'annotate'])
export type Scope = z.infer<typeof Scope>
/** A non-negative whole number (counts, steps, sizes). */
export const Count = z.number().int().nonnegative()
export const Interval = z.object({ low: z.number(), high: z.number() })

/** A method: strict input schema, output schema, and the least scope allowed to call it. */
export interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I
  output: O
  scope: Scope
}
export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, scope: Scope = 'owner'): MethodSpec<I, O> {
  return { input, output, scope }
}
/** The input of a method that takes no arguments. */
export const none = z.object({}).strict()
