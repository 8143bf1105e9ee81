// Builds the tokenizer files of a generated model: tokenizer.json (byte-level BPE trained on the built-in corpus,
// GPT-2 pre-tokenization — Qwen2's split pattern and NFC for qwen2 — special tokens appended after the merges) and
// tokenizer_config.json with a ChatML chat template in which <|im_end|> ends every turn (it is the EOS token, so a
// trained model learns to stop).
import type { Arch } from '../io/config';
import { DEFAULT_CHAT_TEMPLATE } from '../../../tokenizer/src/chat-template';
import { trainByteLevelBpe } from './bpe-trainer';
import { TRAINING_CORPUS } from './corpus';

export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

export interface BuiltTokenizer {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  vocabSize: number;
  ids: { endOfText: number; imStart: number; imEnd: number };
}

/** Qwen2Tokenizer's PRETOKENIZE_REGEX (transformers models/qwen2/tokenization_qwen2.py), as Qwen2's tokenizer.json has it. */
export const QWEN2_SPLIT_PATTERN = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

/**
 * Normaliser and pre-tokenizer of tokenizer.json. For model_type qwen2, transformers ignores the file's and builds
 * Qwen2Tokenizer (NFC, Qwen2's split, then byte-level without a regex), so a qwen2 folder must say the same to
 * tokenize alike everywhere; the others keep GPT-2's byte-level pre-tokenization (what the BPE was trained with).
 */
function pretokenization(arch: Arch): { normalizer: Record<string, unknown> | null; pre_tokenizer: Record<string, unknown> } {
  if (arch !== 'qwen2') return { normalizer: null, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } };
  return {
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN2_SPLIT_PATTERN }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
  };
}

/** The byte-level BPE vocabulary is capped at maxVocab tokens including the three special tokens. */
export function buildTokenizer(maxVocab: number, modelMaxLength: number, arch: Arch = 'llama'): BuiltTokenizer {
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
    ...pretokenization(arch),
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
    tokenizer_class: arch === 'qwen2' ? 'Qwen2Tokenizer' : 'PreTrainedTokenizerFast',
  };
  return { tokenizerJson, tokenizerConfig, vocabSize: bpe.vocab.size + addedTokens.length, ids: { endOfText, imStart, imEnd } };
}
