// torch.nn.LSTM (bidirectional, zero initial state, batch of one) unrolled into elementary ops over a short
// sequence, so the autodiff rules we have differentiate it (no ONNX LSTM gradient needed). Gates in PyTorch's order
// i, f, g, o: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). Weights are named as torch.nn.LSTM names them.
import { ops, type Value } from '../../graph';

export interface LstmShape {
  inputSize: number;
  hiddenSize: number;
  layers: number;
}

/** torch.nn.LSTM's parameter names and shapes for a bidirectional LSTM, in its state-dict order. */
export function lstmParameterShapes({ inputSize, hiddenSize, layers }: LstmShape): { name: string; shape: number[] }[] {
  const shapes: { name: string; shape: number[] }[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const layerInput = layer === 0 ? inputSize : 2 * hiddenSize;
    for (const suffix of ['', '_reverse']) {
      shapes.push({ name: `weight_ih_l${layer}${suffix}`, shape: [4 * hiddenSize, layerInput] });
      shapes.push({ name: `weight_hh_l${layer}${suffix}`, shape: [4 * hiddenSize, hiddenSize] });
      shapes.push({ name: `bias_ih_l${layer}${suffix}`, shape: [4 * hiddenSize] });
      shapes.push({ name: `bias_hh_l${layer}${suffix}`, shape: [4 * hiddenSize] });
    }
  }
  return shapes;
}

/** One direction over `steps` rows of `input` [steps, in]; returns the hidden states [steps, hidden] in row order. */
function direction(input: Value, weight: (name: string) => Value, suffix: string, hiddenSize: number, reverse: boolean): Value {
  const steps = input.shape[0] as number;
  // The input projection of every step at once; the recurrent one step by step.
  const projected = ops.add(ops.add(ops.matmul(input, ops.transpose(weight(`weight_ih${suffix}`))), weight(`bias_ih${suffix}`)), weight(`bias_hh${suffix}`));
  const recurrent = ops.transpose(weight(`weight_hh${suffix}`));
  const gate = (gates: Value, index: number) => ops.slice(gates, [1], [index * hiddenSize], [(index + 1) * hiddenSize]);
  const outputs: Value[] = new Array<Value>(steps);
  let hidden: Value | undefined;
  let cell: Value | undefined;
  for (let offset = 0; offset < steps; offset++) {
    const step = reverse ? steps - 1 - offset : offset;
    const fromInput = ops.slice(projected, [0], [step], [step + 1]);
    // The state starts at zero, so the first step has no recurrent term and no forget term.
    const gates = hidden ? ops.add(fromInput, ops.matmul(hidden, recurrent)) : fromInput;
    const written = ops.mul(ops.sigmoid(gate(gates, 0)), ops.tanh(gate(gates, 2)));
    cell = cell ? ops.add(ops.mul(ops.sigmoid(gate(gates, 1)), cell), written) : written;
    hidden = ops.mul(ops.sigmoid(gate(gates, 3)), ops.tanh(cell));
    outputs[step] = hidden;
  }
  return ops.concat(outputs, 0);
}

/** The bidirectional stack's output [steps, 2·hidden] (forward states, then backward ones), as torch.nn.LSTM's. */
export function unrolledLstm(input: Value, weight: (name: string) => Value, { hiddenSize, layers }: LstmShape): Value {
  let sequence = input;
  for (let layer = 0; layer < layers; layer++) {
    const forward = direction(sequence, weight, `_l${layer}`, hiddenSize, false);
    const backward = direction(sequence, weight, `_l${layer}_reverse`, hiddenSize, true);
    sequence = ops.concat([forward, backward], 1);
  }
  return sequence;
}
