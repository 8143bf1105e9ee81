// Chat templates: choosing one from tokenizer_config.json, rendering a conversation with @huggingface/jinja as
// transformers' apply_chat_template does, and finding the character spans the loss covers.
//
// Trained spans come from rendering prefixes, the technique TRL and others use: for a trained turn i,
//   before = render(turns[:i], add_generation_prompt = turn i is the assistant's)
//   after  = render(turns[:i+1])
// The span starts where `after` departs from `before` and ends just past the last end-of-turn token in the new
// text, so the model learns to stop; whitespace the template adds after that token is not trained. Assumption:
// rendering is append-only (earlier turns render the same whatever follows). Templates that break it (Qwen3 drops
// earlier reasoning) fall back to finding the turn's content in the full text; if that fails the error says so.
import { Template } from '@huggingface/jinja';
import { RenderBudgetError, renderWithBudget, type RenderBudget } from './bounded-template';
import { ModelFileError } from '../../contracts/src/model-file-error';

export interface ChatTurn {
  role: string;
  content: string;
  /** Whether the loss covers this turn (assistant turns, unless a record says otherwise). */
  trained: boolean;
}

export interface SpecialTokenStrings {
  bos: string | null;
  eos: string | null;
  pad: string | null;
  unk: string | null;
}

export interface ChatTemplate {
  source: 'model' | 'default';
  text: string;
}

/** ChatML, used when a model ships no template; `<|im_end|>` ends each turn, as in Qwen's instruct models. */
export const DEFAULT_CHAT_TEMPLATE =
  "{%- for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}";

/**
 * The template from tokenizer_config.json's chat_template: a string, or a list of {name, template} of which the one
 * named 'default' is used (as transformers does). A separate chat_template.jinja file wins when given.
 */
export function selectChatTemplate(value: unknown, file: string, jinjaFile?: string): ChatTemplate {
  if (jinjaFile !== undefined) return { source: 'model', text: jinjaFile };
  if (value === undefined || value === null) return { source: 'default', text: DEFAULT_CHAT_TEMPLATE };
  if (typeof value === 'string') return { source: 'model', text: value };
  if (Array.isArray(value)) {
    const named = value.find((entry) => entry && typeof entry === 'object' && (entry as { name?: unknown }).name === 'default');
    const template = (named as { template?: unknown } | undefined)?.template;
    if (typeof template === 'string') return { source: 'model', text: template };
    throw new ModelFileError('bad-chat-template', file, "chat_template is a list without a template named 'default'", { key: 'chat_template' });
  }
  if (typeof value === 'object') {
    const template = (value as Record<string, unknown>).default;
    if (typeof template === 'string') return { source: 'model', text: template };
  }
  throw new ModelFileError('bad-chat-template', file, 'chat_template is neither a string nor a list of named templates', { key: 'chat_template' });
}

/** Real templates render a conversation in well under a millisecond; a second is far past any of them. */
const RENDER_TIME_MS = 1000;
/** Output room beyond the conversation's own text, and how many times that text a template may repeat it. */
const RENDER_BASE_CHARS = 1_000_000;
const RENDER_CHARS_PER_INPUT_CHAR = 8;
/** Longest list a template may build; real ones only walk the messages. */
const RENDER_BASE_ITEMS = 100_000;

function renderBudget(turns: readonly ChatTurn[], special: SpecialTokenStrings): RenderBudget {
  let inputChars = 0;
  for (const turn of turns) inputChars += turn.role.length + turn.content.length;
  for (const token of Object.values(special)) inputChars += token?.length ?? 0;
  return { timeMs: RENDER_TIME_MS, maxChars: RENDER_BASE_CHARS + RENDER_CHARS_PER_INPUT_CHAR * inputChars, maxItems: RENDER_BASE_ITEMS + turns.length };
}

export class ChatRenderer {
  private readonly compiled: Template;
  /** Set once a render ran out of budget: every later one would too, so they fail at once instead of each waiting. */
  private exhausted: ModelFileError | null = null;

  constructor(readonly template: ChatTemplate, private readonly special: SpecialTokenStrings, private readonly endOfTurnStrings: string[], private readonly file: string) {
    try {
      this.compiled = new Template(template.text);
    } catch (error) {
      throw new ModelFileError('bad-chat-template', file, `chat template does not parse: ${(error as Error).message}`, { key: 'chat_template' });
    }
  }

  render(turns: readonly ChatTurn[], options: { addGenerationPrompt: boolean }): string {
    if (this.exhausted) throw this.exhausted;
    try {
      return renderWithBudget(this.compiled, {
        messages: turns.map((turn) => ({ role: turn.role, content: turn.content })),
        add_generation_prompt: options.addGenerationPrompt,
        bos_token: this.special.bos ?? '',
        eos_token: this.special.eos ?? '',
        pad_token: this.special.pad ?? '',
        unk_token: this.special.unk ?? '',
      }, renderBudget(turns, this.special));
    } catch (error) {
      if (error instanceof RenderBudgetError || error instanceof RangeError) {
        this.exhausted = new ModelFileError('bad-chat-template', this.file, `the chat template runs away (${error.message}); it is not usable`, { key: 'chat_template' });
        throw this.exhausted;
      }
      throw new TemplateRefusal(this.file, (error as Error).message);
    }
  }

  /** The full text of a training example and the [start, end) character spans of its trained turns. */
  renderWithSpans(turns: readonly ChatTurn[]): { text: string; spans: Array<[number, number]> } {
    const text = this.render(turns, { addGenerationPrompt: false });
    const spans: Array<[number, number]> = [];
    let searchFrom = 0;
    for (let i = 0; i < turns.length; i++) {
      if (!turns[i].trained) continue;
      const before = this.renderPrefix(turns.slice(0, i), turns[i].role === 'assistant');
      const after = this.render(turns.slice(0, i + 1), { addGenerationPrompt: false });
      const start = commonPrefixLength(before, after);
      const end = this.turnEnd(after, start);
      let span: [number, number];
      if (start >= searchFrom && text.startsWith(after.slice(0, end))) span = [start, end];
      else span = this.locateByContent(text, turns[i], searchFrom);
      if (span[1] > span[0]) spans.push(span);
      searchFrom = span[1];
    }
    return { text, spans };
  }

  private renderPrefix(turns: readonly ChatTurn[], addGenerationPrompt: boolean): string {
    if (turns.length > 0) return this.render(turns, { addGenerationPrompt });
    // Some templates refuse an empty conversation; then nothing precedes the first turn.
    try {
      return this.render(turns, { addGenerationPrompt });
    } catch {
      return '';
    }
  }

  /** Just past the last end-of-turn token in text[start:], else the new text without trailing whitespace. */
  private turnEnd(text: string, start: number): number {
    let end = -1;
    for (const marker of this.endOfTurnStrings) {
      const at = text.lastIndexOf(marker);
      if (at >= start) end = Math.max(end, at + marker.length);
    }
    return end >= 0 ? end : start + text.slice(start).trimEnd().length;
  }

  private locateByContent(text: string, turn: ChatTurn, searchFrom: number): [number, number] {
    const content = turn.content.trim();
    const at = content.length === 0 ? -1 : text.indexOf(content, searchFrom);
    if (at < 0) {
      throw new ModelFileError('bad-chat-template', this.file, `cannot locate a ${turn.role} turn in the rendered text (the template rewrites earlier turns)`, { key: 'chat_template' });
    }
    let end = at + content.length;
    let nearest = Infinity;
    for (const marker of this.endOfTurnStrings) {
      const next = text.indexOf(marker, end);
      if (next >= 0 && next < nearest) nearest = next + marker.length;
    }
    if (nearest !== Infinity) end = nearest;
    return [at, end];
  }
}

export function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * The template raised for one conversation (Mistral's "roles must alternate", say): that record cannot be rendered,
 * while other records can. The dataset service turns it into a `chat-template` finding on the record.
 */
export class TemplateRefusal extends ModelFileError {
  constructor(file: string, readonly reason: string) {
    super('bad-chat-template', file, `the chat template refused this conversation: ${reason}`, { key: 'chat_template' });
  }
}
