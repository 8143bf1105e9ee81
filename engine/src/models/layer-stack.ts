// The decoder layers run one after another, as every architecture runs them: under gradient checkpointing (training
// without a cache) each layer keeps only its input and runs again in the backward; otherwise each layer gets its slice
// of the past keys/values and hands back its own for the next decoding step.
import { checkpoint } from '../autodiff/composites';
import type { Value } from '../graph';

export type KeyValues = { key: Value; value: Value };
export type LayerBlock = (layer: number, x: Value, past?: KeyValues) => { output: Value } & KeyValues;

export function runLayers(
  numLayers: number,
  hidden: Value,
  block: LayerBlock,
  options: { checkpointLayers: boolean; past?: readonly KeyValues[] },
): { hidden: Value; present: KeyValues[] } {
  const present: KeyValues[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const past = options.past?.[layer];
    if (options.checkpointLayers) {
      // A prefix's keys and values (the only past in training) are captured by the segment, so their gradients flow.
      hidden = checkpoint([hidden], ([x]) => [block(layer, x, past).output])[0];
      continue;
    }
    const result = block(layer, hidden, past);
    hidden = result.output;
    present.push({ key: result.key, value: result.value });
  }
  return { hidden, present };
}
