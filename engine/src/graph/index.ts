// Public surface of the graph IR: builder, op helpers, serialisation, sessions. See README.md.
export { Graph, Value, attr, type Attributes, type GraphNode, type TapeEntry, type GraphOptions, type Initializer, type NarrowSource } from './graph';
export { type DType, type TensorData, isFloat, float32ToFloat16Bits } from './dtype';
export { type Dim, type Shape, broadcastShapes, broadcastAxes, dimProduct, sameDim, formatShape } from './shape';
export * as ops from './ops';
export { liveParts, serializeModel, writeModel, type SerializeOptions, type WriteModelOptions } from './serialize';
export { createSession, run, tensor, type SessionOptions } from './session';
