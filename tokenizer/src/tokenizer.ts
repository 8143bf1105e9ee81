// The model's tokenizer and chat template as one object. This is THE implementation of "which tokens does the loss
// cover": the trainer's data loader and the dataset service's token counter both call tokenizeChat/countTokens.
//
// Token labels: the rendered text is tokenized whole (add_special_tokens off, as apply_chat_template does, since
// templates write their own BOS). tokenizers.js returns no offsets, so a span boundary b is mapped to tokens by
// tokenizing text[:b] and comparing with the whole: the common prefix holds the tokens that end before b; when the
// prefix tokenization diverges, the whole's next token straddles b. A token is trained iff it overlaps a span.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ChatRenderer, selectChatTemplate, type ChatTemplate, type ChatTurn, type SpecialTokenStrings } from './chat-template';
import { ModelFileError } from '../../contracts/src/model-file-error';
import { characterBudget, cutText, cutTurns } from './long-input';
import { assertModelFile } from '../../contracts/src/user-file';

export type { ChatTurn } from './chat-template';

export interface TokenizedChat {
  text: string;
  spans: Array<[number, number]>;
  ids: number[];
  /** 1 where the loss covers the token (the label is the token itself; the trainer shifts). */
  trainedMask: Uint8Array;
  /** The content was cut before rendering (io/long-input.ts): `ids` then holds more than maxTokens, not all of them. */
  cut?: boolean;
}

export interface TokenizeOptions {
  /**
   * The caller keeps only this many tokens: content far beyond what they can hold is cut before rendering, so a
   * huge record costs what its first maxTokens do. `ids` still holds more than maxTokens when it was cut.
   */
  maxTokens?: number;
}

export interface ChatTokenCounts {
  prompt: number;
  response: number;
  total: number;
  estimated: false;
}

/** Tokens that commonly end a turn; counted as end-of-turn when the chat template writes them and they exist. */
const CONVENTIONAL_END_OF_TURN = ['<|im_end|>', '<|eot_id|>', '<|eom_id|>', '<end_of_turn>', '<|end|>', '<|endoftext|>', '</s>'];

function tokenString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return null;
}

function readJson(file: string, what: string): Record<string, unknown> {
  assertModelFile(file, what);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ModelFileError('missing-file', file, `${what} is missing`);
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
    return json as Record<string, unknown>;
  } catch (error) {
    throw new ModelFileError('bad-json', file, `not valid JSON (${(error as Error).message})`);
  }
}

export class ChatTokenizer {
  readonly special: SpecialTokenStrings;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly padTokenId: number | null;
  /** Ids that end an assistant turn: generation stops on any of them. */
  readonly endOfTurnTokenIds: number[];
  /** Size of the vocabulary including added tokens (the model's vocab_size may be larger: padding). */
  readonly vocabSize: number;
  readonly chatTemplate: ChatTemplate;
  /** Characters in the longest token string: no token covers more characters of text (io/long-input.ts). */
  readonly longestTokenLength: number;
  private readonly renderer: ChatRenderer;

  constructor(private readonly tokenizer: Tokenizer, tokenizerConfig: Record<string, unknown>, options: { extraEndOfTurnIds?: number[]; chatTemplateFile?: string; file?: string } = {}) {
    const file = options.file ?? 'tokenizer_config.json';
    this.special = {
      bos: tokenString(tokenizerConfig.bos_token),
      eos: tokenString(tokenizerConfig.eos_token),
      pad: tokenString(tokenizerConfig.pad_token),
      unk: tokenString(tokenizerConfig.unk_token),
    };
    const idOf = (token: string | null) => (token === null ? null : (tokenizer.token_to_id(token) ?? null));
    this.bosTokenId = idOf(this.special.bos);
    this.eosTokenId = idOf(this.special.eos);
    this.padTokenId = idOf(this.special.pad);
    const vocab = tokenizer.get_vocab(true);
    this.vocabSize = vocab.size;
    let longest = 1;
    // a malformed tokenizer.json can give non-string tokens (an added token whose content is a number): skip them
    for (const token of vocab.keys()) if (typeof token === 'string') longest = Math.max(longest, token.length);
    this.longestTokenLength = longest;
    this.chatTemplate = selectChatTemplate(tokenizerConfig.chat_template, file, options.chatTemplateFile);
    const endIds = new Set<number>();
    if (this.eosTokenId !== null) endIds.add(this.eosTokenId);
    for (const id of options.extraEndOfTurnIds ?? []) endIds.add(id);
    for (const token of CONVENTIONAL_END_OF_TURN) {
      const id = tokenizer.token_to_id(token);
      if (id !== undefined && this.chatTemplate.text.includes(token)) endIds.add(id);
    }
    this.endOfTurnTokenIds = [...endIds].sort((a, b) => a - b);
    const endStrings = this.endOfTurnTokenIds.map((id) => tokenizer.id_to_token(id)).filter((s): s is string => !!s);
    this.renderer = new ChatRenderer(this.chatTemplate, this.special, endStrings, file);
  }

  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens ?? false }).ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  tokenToId(token: string): number | null {
    return this.tokenizer.token_to_id(token) ?? null;
  }

  idToToken(id: number): string | null {
    return this.tokenizer.id_to_token(id) ?? null;
  }

  /** The conversation through the chat template, as apply_chat_template(tokenize=False). */
  renderChat(turns: readonly ChatTurn[], options: { addGenerationPrompt?: boolean } = {}): string {
    return this.renderer.render(turns, { addGenerationPrompt: options.addGenerationPrompt ?? false });
  }

  /** The rendered text with the character spans of its trained turns (each including its end-of-turn token). */
  renderTrainingText(turns: readonly ChatTurn[]): { text: string; spans: Array<[number, number]> } {
    return this.renderer.renderWithSpans(turns);
  }

  tokenizeChat(allTurns: readonly ChatTurn[], options: TokenizeOptions = {}): TokenizedChat {
    const { turns, cut } = options.maxTokens === undefined ? { turns: allTurns, cut: false } : cutTurns(allTurns, characterBudget(options.maxTokens, this.longestTokenLength));
    const { text, spans } = this.renderCut(allTurns, turns, cut);
    const ids = this.encode(text);
    const trainedMask = new Uint8Array(ids.length);
    for (const [start, end] of spans) {
      const first = this.tokenBoundary(text, ids, start).firstAtOrAfter;
      const last = this.tokenBoundary(text, ids, end).endExclusive;
      trainedMask.fill(1, first, Math.max(first, last));
    }
    return { text, spans, ids, trainedMask, ...(cut ? { cut } : {}) };
  }

  /**
   * Renders a conversation that may have been cut. A template that checks the conversation's shape (roles that
   * alternate, a last turn by the assistant) may refuse one whose later turns were dropped: it then gets every turn,
   * emptied after the cut (their tokens come after the first maxTokens either way).
   */
  private renderCut(allTurns: readonly ChatTurn[], turns: readonly ChatTurn[], cut: boolean): { text: string; spans: Array<[number, number]> } {
    try {
      return this.renderer.renderWithSpans(turns);
    } catch (error) {
      if (!cut) throw error;
      return this.renderer.renderWithSpans(allTurns.map((turn, index) => (index < turns.length ? turns[index] : { ...turn, content: '' })));
    }
  }

  /**
   * A preference answer as TRL's DPOTrainer reads it: the prompt rendered with the generation prompt, then what the
   * template of prompt + answer adds after those tokens (the answer, its end-of-turn and anything the template puts
   * after it) is the completion the log-probs sum over. Content far beyond maxTokens is cut first (long-input.ts).
   */
  tokenizeCompletion(prompt: readonly ChatTurn[], answer: readonly ChatTurn[], options: TokenizeOptions = {}): TokenizedChat {
    const all = [...prompt, ...answer];
    const budget = options.maxTokens === undefined ? Number.POSITIVE_INFINITY : characterBudget(options.maxTokens, this.longestTokenLength);
    const promptCut = cutTurns(prompt, budget);
    // A prompt that alone fills the budget leaves no answer token within maxTokens: nothing to train.
    if (promptCut.cut) {
      const ids = this.encode(this.renderCut(prompt, promptCut.turns, true).text);
      return { text: '', spans: [], ids, trainedMask: new Uint8Array(ids.length), cut: true };
    }
    const promptIds = this.encode(this.renderer.render(prompt, { addGenerationPrompt: true }));
    const { turns, cut } = cutTurns(all, budget);
    const { text } = this.renderCut(all, turns, cut);
    const ids = this.encode(text);
    // TRL slices at the prompt's length even when the two tokenizations disagree at the seam (it only warns).
    const trainedMask = new Uint8Array(ids.length).fill(1, Math.min(promptIds.length, ids.length));
    return { text, spans: [], ids, trainedMask, ...(cut ? { cut } : {}) };
  }

  /** Plain language-modelling text: every token trained, EOS appended so the model learns where documents end. */
  tokenizeText(allText: string, options: TokenizeOptions = {}): TokenizedChat {
    const text = options.maxTokens === undefined ? allText : cutText(allText, characterBudget(options.maxTokens, this.longestTokenLength));
    const cut = text.length < allText.length;
    const ids = this.encode(text, { addSpecialTokens: true });
    // A cut text has not ended: no EOS (it would sit past maxTokens anyway).
    if (!cut && this.eosTokenId !== null && ids[ids.length - 1] !== this.eosTokenId) ids.push(this.eosTokenId);
    return { text, spans: [[0, text.length]], ids, trainedMask: new Uint8Array(ids.length).fill(1), ...(cut ? { cut } : {}) };
  }

  /** Prompt = tokens the loss does not cover, response = tokens it does. */
  countTokens(turns: readonly ChatTurn[]): ChatTokenCounts {
    const { ids, trainedMask } = this.tokenizeChat(turns);
    const response = trainedMask.reduce((sum, bit) => sum + bit, 0);
    return { prompt: ids.length - response, response, total: ids.length, estimated: false };
  }

  private tokenBoundary(text: string, ids: number[], at: number): { firstAtOrAfter: number; endExclusive: number } {
    if (at <= 0) return { firstAtOrAfter: 0, endExclusive: 0 };
    if (at >= text.length) return { firstAtOrAfter: ids.length, endExclusive: ids.length };
    const prefix = this.encode(text.slice(0, at));
    let common = 0;
    while (common < prefix.length && common < ids.length && prefix[common] === ids[common]) common++;
    const exact = common === prefix.length;
    return { firstAtOrAfter: common, endExclusive: exact ? common : Math.min(ids.length, common + 1) };
  }
}

/** Loads tokenizer.json, tokenizer_config.json and (when present) chat_template.jinja from a model folder. */
export function loadChatTokenizer(dir: string, options: { extraEndOfTurnIds?: number[] } = {}): ChatTokenizer {
  const tokenizerFile = join(dir, 'tokenizer.json');
  const configFile = join(dir, 'tokenizer_config.json');
  const tokenizerJson = readJson(tokenizerFile, 'tokenizer.json');
  const tokenizerConfig = existsSync(configFile) ? readJson(configFile, 'tokenizer_config.json') : {};
  const jinjaFile = join(dir, 'chat_template.jinja');
  if (existsSync(jinjaFile)) assertModelFile(jinjaFile, 'chat_template.jinja');
  const chatTemplateFile = existsSync(jinjaFile) ? readFileSync(jinjaFile, 'utf8') : undefined;
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (error) {
    throw new ModelFileError('bad-tokenizer', tokenizerFile, `cannot build the tokenizer: ${(error as Error).message}`);
  }
  return new ChatTokenizer(tokenizer, tokenizerConfig, { ...options, chatTemplateFile, file: configFile });
}
