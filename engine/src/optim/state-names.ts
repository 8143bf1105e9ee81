// The training graph's input and output names for each trainable tensor's state, shared by the graph builder and
// the code that feeds and reads it.
export const stateNames = {
  m: (name: string) => `m.${name}`,
  v: (name: string) => `v.${name}`,
  newParam: (name: string) => `new.${name}`,
  newM: (name: string) => `new_m.${name}`,
  newV: (name: string) => `new_v.${name}`,
  accumulated: (name: string) => `acc.${name}`,
  newAccumulated: (name: string) => `new_acc.${name}`,
  gradNorm: 'grad_norm',
};
