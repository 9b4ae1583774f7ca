export interface PromptKind {
    kind: 'neutral' | 'specific';
    /** The neutral prompt's text for a specific prompt; null for neutral ones. */
    neutralText: string | null;
}
export declare function classifyPrompt(text: string): PromptKind;
