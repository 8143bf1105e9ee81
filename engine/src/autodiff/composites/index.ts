// Composite ops: one tape entry each, with a gradient rule that reuses saved intermediates.
export { rmsNorm } from './rms-norm';
export { rotary, rotateHalf } from './rotary';
export { attention, type AttentionOptions } from './attention';
export { swiglu } from './swiglu';
export { layerNorm } from './layer-norm';
export { geluTanh } from './gelu';
export { softplus } from './softplus';
export { softmaxCrossEntropy, type CrossEntropyResult } from './cross-entropy';
export { checkpoint, type CheckpointBody } from './checkpoint';
export { chunkedCrossEntropy, type ChunkedCrossEntropyResult } from './chunked-cross-entropy';
