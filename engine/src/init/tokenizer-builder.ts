// Builds the tokenizer files of a generated model: tokenizer.json (byte-level BPE trained on the built-in corpus,
// GPT-2 pre-tokenization, special tokens appended after the merges) and tokenizer_config.json with a ChatML chat
// template in which <|im_end|> ends every turn (it is the EOS token, so a trained model learns to stop).
import { DEFAULT_CHAT_TEMPLATE } from '../io/chat-template';
import { trainByteLevelBpe } from './bpe-trainer';
import { TRAINING_CORPUS } from './corpus';

export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

export interface BuiltTokenizer {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  vocabSize: number;
  ids: { endOfText: number; imStart: number; imEnd: number };
}

/** The byte-level BPE vocabulary is capped at maxVocab tokens including the three special tokens. */
export function buildTokenizer(maxVocab: number, modelMaxLength: number): BuiltTokenizer {
  const bpe = trainByteLevelBpe(TRAINING_CORPUS, maxVocab - SPECIAL_TOKENS.length);
  const vocab: Record<string, number> = Object.fromEntries(bpe.vocab);
  const addedTokens = SPECIAL_TOKENS.map((content, i) => ({
    id: bpe.vocab.size + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: bpe.merges,
    },
  };
  const [endOfText, imStart, imEnd] = addedTokens.map((token) => token.id);
  const tokenizerConfig = {
    add_bos_token: false,
    add_eos_token: false,
    added_tokens_decoder: Object.fromEntries(addedTokens.map(({ id, ...token }) => [String(id), token])),
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: null,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    unk_token: null,
    chat_template: DEFAULT_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    errors: 'replace',
    model_max_length: modelMaxLength,
    split_special_tokens: false,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
  return { tokenizerJson, tokenizerConfig, vocabSize: bpe.vocab.size + addedTokens.length, ids: { endOfText, imStart, imEnd } };
}
