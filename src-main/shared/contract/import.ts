// Importing a folder of images into a project, and the report of what was imported or passed over.
import { z } from 'zod'
import { FsPath, Id, method } from './common'
import { Job } from './jobs'

export const ImportFailure = z.object({ file: z.string(), reason: z.string() })
export const ImportReport = z.object({
  jobId: Id,
  imported: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  failures: z.array(ImportFailure),
  /**
   * What the import passed over (up to 20 names; folders end in "/") and how many: when no file was
   * tried, the folder's top-level entries; otherwise its sub-folders, which are not searched.
   */
  ignored: z.object({ names: z.array(z.string()), total: z.number().int().nonnegative() }).optional()
})
export type ImportReport = z.infer<typeof ImportReport>

export const importMethods = {
  'import.start': method(z.object({ projectId: Id, folder: FsPath }).strict(), Job),
  'import.report': method(z.object({ jobId: Id }).strict(), ImportReport)
} as const
