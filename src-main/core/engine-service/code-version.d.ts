export declare function codeVersion(): string;
