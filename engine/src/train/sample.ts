// `sample` events: the model's greedy reply to a fixed prompt as training goes on (--sample-prompt), generated with
// the current trainable values through the same KV-cache generator `finetune generate` uses. Each sample builds a
// fresh inference session, so samples are for occasional checks (--sample-every), not every step.
import { Generator } from '../generate/generator';
import type { ModelFolder } from '../io/model-folder';
import type { DeviceName } from '../runtime/devices';
import type { MethodPlan } from './methods/types';

export interface SampleRequest {
  prompt: string;
  maxNewTokens: number;
  device: DeviceName;
  threads: number;
}

/** The reply to `prompt` as a user turn, rendered through the chat template, greedy. */
export async function sampleReply(model: ModelFolder, plan: MethodPlan, request: SampleRequest): Promise<string> {
  const tokenizer = model.tokenizer!;
  const view = await plan.inferenceView(model);
  const generator = await Generator.create(view.folder, { adapter: view.adapter, device: request.device, runtime: { intraOpThreads: request.threads } });
  try {
    const promptIds = tokenizer.encode(tokenizer.renderChat([{ role: 'user', content: request.prompt, trained: false }], { addGenerationPrompt: true }));
    const stream = generator.generate(promptIds, (ids) => tokenizer.decode([...ids], { skipSpecialTokens: true }), {
      maxNewTokens: request.maxNewTokens,
      temperature: 0,
      stopTokenIds: tokenizer.endOfTurnTokenIds,
    });
    for (;;) {
      const next = await stream.next();
      if (next.done) return next.value.text;
    }
  } finally {
    await generator.release();
  }
}
