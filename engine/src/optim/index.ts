// Optimizer graph tail (AdamW, global-norm clipping) and gradient accumulation. See engine/src/graph/README.md.
export * from './adamw';
export * from './accumulate';
export * from './state-names';
