export declare function worldDataModule(workerPath?: string): string;
