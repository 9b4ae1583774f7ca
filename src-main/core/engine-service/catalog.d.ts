import type { ModelEntry } from '@shared/contract';
export interface CatalogOptions {
    workspaceDir: string;
    /** Folder of the shipped base model (base.ckpt, config.json, ...). */
    baseModelDir: string;
    log?: (line: string) => void;
}
export declare function createCatalog(opts: CatalogOptions): {
    /** The base model first, then runs newest first, each run's checkpoints newest first. */
    list(): ModelEntry[];
    /** The newest checkpoint of a run, or null when it has written none yet. */
    latestOfRun(jobId: number): ModelEntry | null;
    /** Resolves a model id to its entry; ApiFailure not_found naming the id otherwise. */
    resolve(id: string): ModelEntry;
};
export type Catalog = ReturnType<typeof createCatalog>;
