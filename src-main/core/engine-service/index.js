import { createCatalog } from './catalog';
import { engineInfo } from './engine-info';
import { defaultBaseModelDir } from './paths';
import { createSampleJobs } from './sample-jobs';
import { createTrainJobs } from './train-jobs';
/** Registers the 'train' and 'sample' job kinds on the runner; call before runner.resumePending(). */
export function createEngineService(deps) {
    const catalog = createCatalog({ workspaceDir: deps.workspaceDir, baseModelDir: deps.baseModelDir ?? defaultBaseModelDir(), log: deps.log });
    const train = createTrainJobs({
        ws: deps.ws,
        runner: deps.runner,
        catalog,
        workspaceDir: deps.workspaceDir,
        emit: deps.emit,
        log: deps.log,
        workerPath: deps.workerPath,
        progressIntervalMs: deps.progressIntervalMs
    });
    const sample = createSampleJobs({ ws: deps.ws, runner: deps.runner, catalog, workspaceDir: deps.workspaceDir, log: deps.log, chunk: deps.sampleChunk, prefer: deps.samplePrefer });
    return { info: engineInfo, models: () => catalog.list(), train, sample };
}
