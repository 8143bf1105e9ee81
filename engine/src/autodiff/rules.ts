// The gradient table: one entry per op type. A rule returns one gradient per input (null: none); NO_GRADIENT
// marks ops whose outputs carry no gradient. An op missing here makes `gradients` throw, naming it.

import { NO_GRADIENT, type GradientRule } from './context';
import * as elementwise from './rules/elementwise';
import * as nn from './rules/nn';
import * as shape from './rules/shape';
import { attentionGradient } from './composites/attention';
import { checkpointGradient } from './composites/checkpoint';
import { chunkedCrossEntropyGradient } from './composites/chunked-cross-entropy';
import { crossEntropyGradient } from './composites/cross-entropy';
import { rmsNormGradient } from './composites/rms-norm';
import { rotaryGradient } from './composites/rotary';
import { swigluGradient } from './composites/swiglu';
import { layerNormGradient } from './composites/layer-norm';
import { geluTanhGradient } from './composites/gelu';
import { softplusGradient } from './composites/softplus';

export const gradientRules: Record<string, GradientRule | typeof NO_GRADIENT> = {
  // elementwise
  Add: elementwise.add,
  Sub: elementwise.sub,
  Mul: elementwise.mul,
  Div: elementwise.div,
  Pow: elementwise.pow,
  Max: elementwise.max,
  Min: elementwise.min,
  Neg: elementwise.neg,
  Identity: elementwise.identity,
  Exp: elementwise.exp,
  Log: elementwise.log,
  Sqrt: elementwise.sqrt,
  Reciprocal: elementwise.reciprocal,
  Sigmoid: elementwise.sigmoid,
  Tanh: elementwise.tanh,
  Sin: elementwise.sin,
  Cos: elementwise.cos,
  Relu: elementwise.relu,
  Abs: elementwise.abs,
  Erf: elementwise.erf,
  Where: elementwise.where,
  Cast: elementwise.cast,
  Clip: elementwise.clip,
  Sum: elementwise.sum,
  // linear algebra, softmax, reductions
  MatMul: nn.matmul,
  Softmax: nn.softmax,
  LogSoftmax: nn.logSoftmax,
  ReduceSum: nn.reduceSum,
  ReduceMean: nn.reduceMean,
  ReduceSumSquare: nn.reduceSumSquare,
  ReduceMax: nn.reduceExtremum,
  ReduceMin: nn.reduceExtremum,
  // data movement
  Reshape: shape.reshapeBack,
  Squeeze: shape.reshapeBack,
  Unsqueeze: shape.reshapeBack,
  Flatten: shape.reshapeBack,
  Transpose: shape.transpose,
  Expand: shape.expand,
  Concat: shape.concat,
  Slice: shape.slice,
  Gather: shape.gather,
  GatherElements: shape.gatherElements,
  ScatterElements: shape.scatterElements,
  Trilu: shape.trilu,
  // composite ops (engine/src/autodiff/composites)
  RMSNorm: rmsNormGradient,
  Rotary: rotaryGradient,
  Attention: attentionGradient,
  SwiGLU: swigluGradient,
  LayerNorm: layerNormGradient,
  GeluTanh: geluTanhGradient,
  Softplus: softplusGradient,
  SoftmaxCrossEntropy: crossEntropyGradient,
  ChunkedCrossEntropy: chunkedCrossEntropyGradient,
  Checkpoint: checkpointGradient,
  // no gradient: shapes, index arithmetic, comparisons, constants
  Shape: NO_GRADIENT,
  Size: NO_GRADIENT,
  ConstantOfShape: NO_GRADIENT,
  Range: NO_GRADIENT,
  Equal: NO_GRADIENT,
  Less: NO_GRADIENT,
  LessOrEqual: NO_GRADIENT,
  Greater: NO_GRADIENT,
  GreaterOrEqual: NO_GRADIENT,
  And: NO_GRADIENT,
  Or: NO_GRADIENT,
  Not: NO_GRADIENT,
  ArgMax: NO_GRADIENT,
};
