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

/** One folder as the serve-mode folder picker shows it (core/features/import/folder-browser.ts). */
export const FolderListing = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  roots: z.array(z.string()),
  folders: z.array(z.string()),
  moreFolders: z.number().int().nonnegative(),
  imageFiles: z.number().int().nonnegative(),
  otherFiles: z.number().int().nonnegative()
})
export type FolderListing = z.infer<typeof FolderListing>

export const importMethods = {
  'import.start': method(z.object({ projectId: Id, folder: FsPath }).strict(), Job),
  'import.report': method(z.object({ jobId: Id }).strict(), ImportReport),
  /** Owner only: a folder of the studio's machine, inside its allowed roots (import folders, export destinations); no path: the first root. */
  'files.browse': method(z.object({ path: FsPath.optional() }).strict(), FolderListing),
  /**
   * Owner only, desktop app: the system's own folder dialog (`purpose` completes "Choose the folder to …").
   * `path` is null when the user closed it. Serve mode refuses: its browser cannot see that machine's screen.
   */
  'files.pickFolder': method(z.object({ purpose: z.string().trim().min(1).max(80) }).strict(), z.object({ path: z.string().nullable() })),
  /** Owner only, desktop app: shows a file the studio wrote (an export) in the system's file manager. */
  'files.reveal': method(z.object({ path: FsPath }).strict(), z.object({ revealed: z.literal(true) }))
} as const
