// The graph inputs and the requested outputs every causal-LM builder shares (names and shapes in README.md), so an
// architecture file only builds what lies between the embeddings and the final norm.
import type { Graph, Value } from '../graph';
import type { ModelConfig } from '../io/config';
import { ops } from '../graph';
import { causalLmLoss, chunkedCausalLmLoss, tokenLogprobs } from './heads';
import { NAMES, type CausalLMInputs, type CausalLMOptions, type CausalLMOutputs } from './types';

/** input_ids, attention_mask, and position_ids / labels / past_key_values.* as the options ask. */
export function causalLMInputs(graph: Graph, config: ModelConfig, options: CausalLMOptions): CausalLMInputs {
  const inputIds = graph.input(NAMES.inputIds, 'int64', ['batch', 'seq']);
  // The concat of past and new keys is labelled 'past_seq+seq' by shape inference; the mask spans the same keys.
  const maskLength = options.kvCache ? 'past_seq+seq' : 'seq';
  const attentionMask = graph.input(NAMES.attentionMask, 'int64', ['batch', maskLength]);
  const positionIds = options.positionIds === 'input' || options.packed ? graph.input(NAMES.positionIds, 'int64', ['batch', 'seq']) : undefined;
  const labels = options.output.kind === 'loss' || options.output.kind === 'sequence-logprobs' ? graph.input(NAMES.labels, 'int64', ['batch', 'seq']) : undefined;
  const past = options.kvCache
    ? Array.from({ length: config.numLayers }, (_, layer) => ({
        key: graph.input(NAMES.pastKey(layer), 'float32', ['batch', config.numKvHeads, 'past_seq', config.headDim]),
        value: graph.input(NAMES.pastValue(layer), 'float32', ['batch', config.numKvHeads, 'past_seq', config.headDim]),
      }))
    : undefined;
  return { inputIds, attentionMask, positionIds, labels, past };
}

/** The outputs `options.output` asks for, from the final hidden states [batch, seq, hidden] and the LM head. */
export function causalLMOutputs(graph: Graph, hidden: Value, lmHead: (x: Value) => Value, inputs: CausalLMInputs, options: CausalLMOptions): CausalLMOutputs {
  const outputs: CausalLMOutputs = {};
  const spec = options.output;
  const labels = inputs.labels!;
  if (spec.kind === 'sequence-logprobs') {
    // the summed loss path (chunked when asked) gives per-token losses; a row's log-prob is minus their sum
    const chunks = spec.chunks ?? 1;
    const ignoreIndex = spec.ignoreIndex ?? -100;
    const { tokenLosses } = chunks > 1 ? chunkedCausalLmLoss(hidden, lmHead, labels, 'sum', ignoreIndex, chunks) : causalLmLoss(lmHead(hidden), labels, 'sum', ignoreIndex);
    outputs.sequenceLogprobs = graph.output(ops.neg(ops.reduceSum(tokenLosses, [1])), NAMES.sequenceLogprobs);
  } else if (spec.kind === 'last-logits') {
    const last = ops.gather(hidden, graph.scalar(-1, 'int64'), 1); // [b, hidden]: left padding keeps the last one real
    outputs.logits = graph.output(lmHead(last), NAMES.logits);
  } else if (spec.kind === 'loss' && (spec.chunks ?? 1) > 1) {
    const { loss, tokenLosses } = chunkedCausalLmLoss(hidden, lmHead, labels, spec.reduction ?? 'mean', spec.ignoreIndex ?? -100, spec.chunks!);
    outputs.loss = graph.output(loss, NAMES.loss);
    outputs.tokenLosses = graph.output(tokenLosses, NAMES.tokenLosses);
  } else {
    const logits = lmHead(hidden);
    if (spec.kind === 'logits') outputs.logits = graph.output(logits, NAMES.logits);
    else if (spec.kind === 'token-logprobs') outputs.tokenLogprobs = graph.output(tokenLogprobs(logits, inputs.inputIds), NAMES.tokenLogprobs);
    else {
      const { loss, tokenLosses } = causalLmLoss(logits, labels, spec.reduction ?? 'mean', spec.ignoreIndex ?? -100);
      outputs.loss = graph.output(loss, NAMES.loss);
      outputs.tokenLosses = graph.output(tokenLosses, NAMES.tokenLosses);
    }
  }
  return outputs;
}

/** present.{i}.key / .value: every layer's keys and values after this step (past + new), for the next call. */
export function presentOutputs(graph: Graph, present: { key: Value; value: Value }[]): { key: Value; value: Value }[] {
  return present.map((entry, layer) => ({ key: graph.output(entry.key, NAMES.presentKey(layer)), value: graph.output(entry.value, NAMES.presentValue(layer)) }));
}
