// P-tuning (Liu et al. 2021) as PEFT implements it (P_TUNING): prompt tuning whose N virtual tokens are the output of
// a trainable prompt encoder (methods/prompt-encoder.ts) over N trainable embeddings; the model stays frozen. The
// encoder is differentiated inside the step graph; at the end its output is what PEFT saves, `prompt_embeddings`
// [N, hidden], so the adapter loads like a prompt-tuning one (PeftModel.from_pretrained, finetune score/generate).
import { pTuningConfig, type PTuningSettings } from '../../adapters/prompt';
import type { Graph, Value } from '../../graph';
import type { ModelFolder } from '../../io/model-folder';
import { SeededRandom } from '../random';
import type { RunFolder } from '../../run-folder/run-folder';
import { promptInferenceView, writePromptAdapter } from './prompt';
import { buildPromptEncoder, initialPromptEncoder, LSTM_LAYERS, promptEncoderOutput, type EncoderType, type PromptEncoderSettings } from './prompt-encoder';
import type { MethodPlan } from './types';

export interface PtuningOptions {
  virtualTokens: number;
  encoderType: EncoderType;
  /** Default: the model's hidden size (PEFT's default). */
  encoderHiddenSize?: number;
  seed: number;
}

/** The encoder's tensors are named `prompt_encoder.<PEFT name>` in the step graph and checkpoints. */
const PREFIX = 'prompt_encoder.';

export function createPtuningPlan(model: ModelFolder, options: PtuningOptions): MethodPlan {
  const hidden = model.config.hiddenSize;
  const encoder: PromptEncoderSettings = { type: options.encoderType, virtualTokens: options.virtualTokens, tokenDim: hidden, encoderHiddenSize: options.encoderHiddenSize ?? hidden };
  const trainable = initialPromptEncoder(encoder, new SeededRandom(options.seed).fork('ptuning-init'), PREFIX);
  const settings: PTuningSettings = {
    baseModel: model.dir,
    numVirtualTokens: options.virtualTokens,
    tokenDim: hidden,
    numAttentionHeads: model.config.numHeads,
    numLayers: model.config.numLayers,
    encoderType: options.encoderType,
    encoderHiddenSize: encoder.encoderHiddenSize,
    encoderNumLayers: LSTM_LAYERS,
  };
  const currentPrompt = () => promptEncoderOutput(encoder, trainable, PREFIX);

  return {
    trainable,
    outputFolder: 'adapter',
    attach(graph: Graph, frozen: (name: string) => Value) {
      const inputs = new Map(trainable.map((tensor) => [tensor.name, graph.input(tensor.name, 'float32', tensor.shape)]));
      const virtualTokens = buildPromptEncoder(encoder, (name) => inputs.get(`${PREFIX}${name}`)!);
      return { hooks: { parameter: frozen, virtualTokens }, inputs };
    },
    async exportTo(run: RunFolder): Promise<string> {
      return writePromptAdapter(run, pTuningConfig(settings), [options.virtualTokens, hidden], await currentPrompt());
    },
    async inferenceView(base: ModelFolder) {
      return promptInferenceView(base, { peftType: 'P_TUNING', numVirtualTokens: options.virtualTokens, tokenDim: hidden, embeddings: await currentPrompt() });
    },
  };
}
