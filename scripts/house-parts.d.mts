export declare const MAY_IMPORT: Record<string, string[]>;
export declare const TOOLS: string[];
