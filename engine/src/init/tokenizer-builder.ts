// Builds the tokenizer files of a generated model: tokenizer.json (byte-level BPE trained on the built-in corpus,
// GPT-2 pre-tokenization — Qwen2's split pattern and NFC for qwen2 — special tokens appended after the merges) and
// tokenizer_config.json with a chat template in the family's style whose end-of-turn token a trained model learns to
// emit: ChatML (<|im_end|>, the EOS token) for Llama, Qwen, GPT-2; Gemma's <start_of_turn>…<end_of_turn> (with <bos>
// before every text, as Gemma's tokenizer adds it); Phi's <|user|>…<|end|> (Phi-4-mini's <|endoftext|> as BOS, EOS and
// padding).
import type { Arch } from '../io/config';
import { DEFAULT_CHAT_TEMPLATE } from '../../../tokenizer/src/chat-template';
import { trainByteLevelBpe } from './bpe-trainer';
import { TRAINING_CORPUS } from './corpus';

/** Gemma 3's chat template (TRL's gemma3.jinja, as google/gemma-3 ships it): a system turn opens the first user turn. */
export const GEMMA_CHAT_TEMPLATE = "{{ bos_token }}\n{%- if messages[0]['role'] == 'system' -%}\n    {%- if messages[0]['content'] is string -%}\n        {%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}\n    {%- else -%}\n        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '\n\n' -%}\n    {%- endif -%}\n    {%- set loop_messages = messages[1:] -%}\n{%- else -%}\n    {%- set first_user_prefix = \"\" -%}\n    {%- set loop_messages = messages -%}\n{%- endif -%}\n{%- for message in loop_messages -%}\n    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}\n        {{ raise_exception(\"Conversation roles must alternate user/assistant/user/assistant/...\") }}\n    {%- endif -%}\n    {%- if (message['role'] == 'assistant') -%}\n        {%- set role = \"model\" -%}\n    {%- else -%}\n        {%- set role = message['role'] -%}\n    {%- endif -%}\n    {{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else \"\") }}\n    {%- if message['content'] is string -%}\n        {{ message['content'] | trim }}\n    {%- elif message['content'] is iterable -%}\n        {%- for item in message['content'] -%}\n            {%- if item['type'] == 'image' -%}\n                {{ '<start_of_image>' }}\n            {%- elif item['type'] == 'text' -%}\n                {{ item['text'] | trim }}\n            {%- endif -%}\n        {%- endfor -%}\n    {%- else -%}\n        {{ raise_exception(\"Invalid content type\") }}\n    {%- endif -%}\n    {{ '<end_of_turn>\n' }}\n{%- endfor -%}\n{%- if add_generation_prompt -%}\n    {{'<start_of_turn>model\n'}}\n{%- endif -%}\n";

/** Phi-3's chat template (TRL's phi3.jinja, as microsoft/Phi-3 ships it): the conversation ends with the EOS token. */
export const PHI3_CHAT_TEMPLATE = "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}";

/** A family's special tokens (appended after the BPE vocabulary, in this order) and the roles they play. */
export interface ChatStyle {
  specialTokens: readonly string[];
  bos: string | null;
  eos: string;
  pad: string;
  /** The token that closes an assistant turn (generation stops on it and on eos). */
  endOfTurn: string;
  /** generation_config.json's eos_token_id: generation stops on any of these. */
  stop: readonly string[];
  /** tokenizer_config.json's additional_special_tokens. */
  additional: readonly string[];
  chatTemplate: string;
  /** Gemma's tokenizer puts <bos> before every text it encodes with special tokens. */
  addBos: boolean;
}

const CHATML: ChatStyle = { specialTokens: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'], bos: null, eos: '<|im_end|>', pad: '<|endoftext|>', endOfTurn: '<|im_end|>', stop: ['<|im_end|>', '<|endoftext|>'], additional: ['<|im_start|>', '<|im_end|>'], chatTemplate: DEFAULT_CHAT_TEMPLATE, addBos: false };
const GEMMA: ChatStyle = { specialTokens: ['<pad>', '<eos>', '<bos>', '<start_of_turn>', '<end_of_turn>'], bos: '<bos>', eos: '<eos>', pad: '<pad>', endOfTurn: '<end_of_turn>', stop: ['<eos>', '<end_of_turn>'], additional: ['<start_of_turn>', '<end_of_turn>'], chatTemplate: GEMMA_CHAT_TEMPLATE, addBos: true };
const PHI: ChatStyle = { specialTokens: ['<|endoftext|>', '<|system|>', '<|user|>', '<|assistant|>', '<|end|>'], bos: '<|endoftext|>', eos: '<|endoftext|>', pad: '<|endoftext|>', endOfTurn: '<|end|>', stop: ['<|end|>', '<|endoftext|>'], additional: ['<|system|>', '<|user|>', '<|assistant|>', '<|end|>'], chatTemplate: PHI3_CHAT_TEMPLATE, addBos: false };

export function chatStyle(arch: Arch): ChatStyle {
  if (arch === 'gemma2' || arch === 'gemma3_text') return GEMMA;
  if (arch === 'phi3') return PHI;
  return CHATML;
}

export interface BuiltTokenizer {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  vocabSize: number;
  /** Every special token's id, by its text. */
  special: Record<string, number>;
  /** The ids of the family's roles (bos null where the family has none). */
  ids: { bos: number | null; eos: number; pad: number; endOfTurn: number; stop: number[] };
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

/** The byte-level BPE vocabulary is capped at maxVocab tokens including the special tokens. */
export function buildTokenizer(maxVocab: number, modelMaxLength: number, arch: Arch = 'llama'): BuiltTokenizer {
  const style = chatStyle(arch);
  const bpe = trainByteLevelBpe(TRAINING_CORPUS, maxVocab - style.specialTokens.length);
  const vocab: Record<string, number> = Object.fromEntries(bpe.vocab);
  const addedTokens = style.specialTokens.map((content, i) => ({
    id: bpe.vocab.size + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  const special: Record<string, number> = Object.fromEntries(addedTokens.map((token) => [token.content, token.id]));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const bos = style.bos === null ? null : special[style.bos];
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    ...pretokenization(arch),
    post_processor: style.addBos && style.bos !== null ? bosTemplate(style.bos, special[style.bos]) : { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: bpe.merges,
    },
  };
  const tokenizerConfig = {
    add_bos_token: style.addBos,
    add_eos_token: false,
    added_tokens_decoder: Object.fromEntries(addedTokens.map(({ id, ...token }) => [String(id), token])),
    additional_special_tokens: style.additional,
    bos_token: style.bos,
    eos_token: style.eos,
    pad_token: style.pad,
    unk_token: null,
    chat_template: style.chatTemplate,
    clean_up_tokenization_spaces: false,
    errors: 'replace',
    model_max_length: modelMaxLength,
    split_special_tokens: false,
    tokenizer_class: arch === 'qwen2' ? 'Qwen2Tokenizer' : 'PreTrainedTokenizerFast',
  };
  const ids = { bos, eos: special[style.eos], pad: special[style.pad], endOfTurn: special[style.endOfTurn], stop: style.stop.map((token) => special[token]) };
  return { tokenizerJson, tokenizerConfig, vocabSize: bpe.vocab.size + addedTokens.length, special, ids };
}

/** tokenizers' TemplateProcessing that puts BOS before a text (and before each of a pair), as Gemma's tokenizer.json has it. */
function bosTemplate(token: string, id: number): Record<string, unknown> {
  const bos = { SpecialToken: { id: token, type_id: 0 } };
  return {
    type: 'TemplateProcessing',
    single: [bos, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [bos, { Sequence: { id: 'A', type_id: 0 } }, bos, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { [token]: { id: token, ids: [id], tokens: [token] } },
  };
}
