// All op helpers under one namespace: `import { ops } from '../graph'` then `ops.matmul(x, w)`.
export * from './elementwise';
export * from './shape-ops';
export * from './nn';
