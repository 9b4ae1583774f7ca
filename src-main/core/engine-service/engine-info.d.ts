import type { EngineInfo } from '@shared/contract';
export declare function engineInfo(): Promise<EngineInfo>;
