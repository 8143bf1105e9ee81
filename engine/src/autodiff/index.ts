// Reverse-mode autodiff over the graph tape, its rule table, and the composite ops. See engine/src/graph/README.md.
export { backpropagate, gradients, type GradientOptions } from './gradients';
export { gradientRules } from './rules';
export { reduceToShape, NO_GRADIENT, type GradientRule, type GradientContext } from './context';
export * from './composites';
