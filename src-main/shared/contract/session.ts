// Who is calling: the annotator behind the session and the scope it was granted.
import { z } from 'zod'
import { Id, Name, Scope, method, none } from './common'

export const Annotator = z.object({ id: Id, name: Name, kind: z.enum(['human', 'classifier']) })
export type Annotator = z.infer<typeof Annotator>

export const Session = z.object({ annotator: Annotator, scope: Scope })
export type Session = z.infer<typeof Session>

export const sessionMethods = {
  'session.whoami': method(none, Session, 'annotate')
} as const
