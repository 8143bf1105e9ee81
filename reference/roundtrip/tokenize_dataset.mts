// The token ids and trained-token masks the engine's data loader makes of a dataset (chat template, assistant-only
// targets), as JSON on stdout, so a PyTorch + PEFT mirror trains on exactly the same tokens
// (reference/roundtrip/make_training_fixture.py). Usage: node --import tsx reference/roundtrip/tokenize_dataset.mts MODEL_DIR DATA.jsonl
import { loadModelFolder } from '../../engine/src/io/model-folder';
import { loadTrainingFile } from '../../engine/src/train/data';

const [modelDir, data] = process.argv.slice(2);
const model = loadModelFolder(modelDir, { requireTokenizer: true });
const dataset = await loadTrainingFile(data, model.tokenizer!, { maxSeqLen: 512, modelDir });
const examples = dataset.examples.map((example) => ({ ids: example.ids, trained: [...example.trainedMask] }));
process.stdout.write(`${JSON.stringify({ padId: model.tokenizer!.padTokenId ?? 0, examples })}\n`);
