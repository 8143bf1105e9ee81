// "Fine-Tune: Start Training…": a short quick-pick flow — dataset (the active editor's by default), base model
// folder, method, then the few hyperparameters that matter with their defaults, and a "more…" path that writes a
// run configuration file with every option. Values chosen last time are offered first next time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_LEARNING_RATES, METHODS, TRAINING_OPTIONS, type Method, type TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import type { Ctx } from '../ctx';
import { newRunName, runConfigurationSchemaPath, type RunConfiguration } from './run-config';

const lastChoicesKey = 'finetune.training.lastChoices';

interface Choices {
  model?: string;
  method: Method;
  steps?: number;
  epochs: number;
  lr?: number;
  batchSize: number;
  rank: number;
  maxSeqLen: number;
  eval?: string;
}

const methodDescriptions: Record<Method, string> = {
  lora: 'Low-rank adapters on the attention projections: small, fast, the usual choice',
  qlora: 'LoRA over a 4-bit base model: least memory',
  full: 'Every weight trains: most memory, a full model as output',
  prompt: 'Trainable virtual tokens in front of every prompt: tiniest output',
  ptuning: 'Virtual tokens from a trainable prompt encoder (P-tuning): tiny output, steadier than prompt tuning',
  prefix: 'Trainable keys and values in every layer (prefix tuning, P-Tuning v2): small output, stronger than prompt tuning',
};

function defaults(): Choices {
  const value = <K extends keyof typeof TRAINING_OPTIONS>(key: K) => (TRAINING_OPTIONS[key].schema as { parse(input: unknown): unknown }).parse(undefined);
  return { method: 'lora', epochs: value('epochs') as number, batchSize: value('batchSize') as number, rank: value('rank') as number, maxSeqLen: value('maxSeqLen') as number };
}

async function pickDataset(uri: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (uri?.fsPath.endsWith('.jsonl')) return uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  const files = await vscode.workspace.findFiles('**/*.jsonl', '**/{node_modules,.git,.finetune}/**', 500);
  const ordered = [...(active?.fsPath.endsWith('.jsonl') ? [active] : []), ...files.filter((file) => file.fsPath !== active?.fsPath)];
  const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = ordered.map((file) => ({ label: path.basename(file.fsPath), description: vscode.workspace.asRelativePath(file), uri: file }));
  items.push({ label: '$(folder-opened) Browse…' });
  const picked = await vscode.window.showQuickPick(items, { title: 'Start Training (1/3): dataset', placeHolder: 'The JSONL file to train on' });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const [chosen] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'JSON Lines': ['jsonl'] }, title: 'Training dataset' })) ?? [];
  return chosen;
}

async function pickModel(ctx: Ctx, remembered: string | undefined, dataset: vscode.Uri): Promise<string | undefined> {
  const fromSettings = ctx.config.forResource(dataset).resolvePath(ctx.config.forResource(dataset).baseModel, dataset);
  const candidates = [...new Set([remembered, fromSettings].filter((value): value is string => !!value && fs.existsSync(path.join(value, 'config.json'))))];
  const items: (vscode.QuickPickItem & { folder?: string })[] = candidates.map((folder) => ({ label: path.basename(folder), description: folder, folder }));
  items.push({ label: '$(folder-opened) Browse…', description: 'A Hugging Face model folder (config.json, safetensors, tokenizer.json)' });
  const picked = await vscode.window.showQuickPick(items, { title: 'Start Training (2/3): base model folder' });
  if (!picked) return undefined;
  let folder = picked.folder;
  if (!folder) [folder] = ((await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Base model folder' })) ?? []).map((uri) => uri.fsPath);
  if (folder && !fs.existsSync(path.join(folder, 'config.json'))) {
    void vscode.window.showErrorMessage(`${folder} has no config.json: choose a Hugging Face model folder.`);
    return undefined;
  }
  return folder;
}

async function pickMethod(current: Method): Promise<Method | undefined> {
  const items = METHODS.map((method) => ({ label: method, description: methodDescriptions[method], picked: method === current }));
  items.sort((a, b) => Number(b.label === current) - Number(a.label === current));
  return (await vscode.window.showQuickPick(items, { title: 'Start Training (3/3): method' }))?.label;
}

type HyperparameterKey = 'steps' | 'epochs' | 'lr' | 'batchSize' | 'rank' | 'maxSeqLen';

function numberPrompt(key: HyperparameterKey, current: number | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: TRAINING_OPTIONS[key].help,
    value: current === undefined ? '' : String(current),
    prompt: key === 'steps' || key === 'lr' ? 'Empty: the default' : undefined,
    validateInput: (text) => {
      if (text.trim() === '' && (key === 'steps' || key === 'lr')) return undefined;
      const parsed = TRAINING_OPTIONS[key].schema.safeParse(Number(text));
      return text.trim() !== '' && parsed.success ? undefined : `${key}: ${parsed.success ? 'a number' : parsed.error.issues[0].message}`;
    },
  });
}

/** The hyperparameter list: pick one to change it, "Start" to go, "More…" for a run configuration file. */
async function reviewHyperparameters(choices: Choices): Promise<'start' | 'more' | undefined> {
  for (;;) {
    const rows: { key: HyperparameterKey; label: string; value: string }[] = [
      { key: 'steps', label: 'Steps', value: choices.steps === undefined ? `${choices.epochs} epoch(s)` : String(choices.steps) },
      { key: 'epochs', label: 'Epochs', value: String(choices.epochs) },
      { key: 'lr', label: 'Learning rate', value: choices.lr === undefined ? `default (${DEFAULT_LEARNING_RATES[choices.method].toExponential()})` : String(choices.lr) },
      { key: 'batchSize', label: 'Batch size', value: String(choices.batchSize) },
      ...(choices.method === 'lora' || choices.method === 'qlora' ? [{ key: 'rank' as const, label: 'LoRA rank', value: String(choices.rank) }] : []),
      { key: 'maxSeqLen', label: 'Max sequence length', value: String(choices.maxSeqLen) },
    ];
    const items: (vscode.QuickPickItem & { action: HyperparameterKey | 'start' | 'more' })[] = [
      { label: '$(play) Start training', action: 'start' },
      ...rows.map((row) => ({ label: row.label, description: row.value, detail: TRAINING_OPTIONS[row.key].help, action: row.key })),
      { label: '$(json) More… (write a run configuration file with every option)', action: 'more' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Start Training: settings (pick one to change it)' });
    if (!picked) return undefined;
    if (picked.action === 'start' || picked.action === 'more') return picked.action;
    const key = picked.action;
    const text = await numberPrompt(key, choices[key]);
    if (text === undefined) continue;
    if (text.trim() === '' && (key === 'steps' || key === 'lr')) choices[key] = undefined;
    else choices[key] = Number(text);
  }
}

function toArguments(dataset: vscode.Uri, choices: Choices): Omit<TrainingArgumentsInput, 'out'> {
  const args: Omit<TrainingArgumentsInput, 'out'> = { model: choices.model!, data: dataset.fsPath, method: choices.method, epochs: choices.epochs, batchSize: choices.batchSize, maxSeqLen: choices.maxSeqLen };
  if (choices.steps !== undefined) args.steps = choices.steps;
  if (choices.lr !== undefined) args.lr = choices.lr;
  if (choices.method === 'lora' || choices.method === 'qlora') args.rank = choices.rank;
  return args;
}

/** Writes a run configuration next to the dataset (paths relative to it) and opens it. */
async function writeRunConfiguration(ctx: Ctx, dataset: vscode.Uri, args: Omit<TrainingArgumentsInput, 'out'>): Promise<void> {
  const folder = path.dirname(dataset.fsPath);
  const stem = path.basename(dataset.fsPath, '.jsonl');
  let file = path.join(folder, `${stem}.finetune.run.json`);
  for (let index = 2; fs.existsSync(file); index++) file = path.join(folder, `${stem}-${index}.finetune.run.json`);
  const schema = path.relative(folder, ctx.asAbsolutePath(runConfigurationSchemaPath)).split(path.sep).join('/');
  const relative = (value: string) => path.relative(folder, value).split(path.sep).join('/') || '.';
  const configuration: RunConfiguration = { $schema: schema, ...args, model: relative(args.model), data: relative(args.data) };
  fs.writeFileSync(file, `${JSON.stringify(configuration, null, 2)}\n`, { flag: 'wx' });
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  void vscode.window.showInformationMessage('Every option has IntelliSense here; start the run from the CodeLens above the first line.');
}

/**
 * Runs the flow; resolves to the arguments of the run to start (with a fresh `out` under runsRoot), or undefined
 * when the user stopped or chose to write a configuration file.
 */
export async function startTrainingFlow(ctx: Ctx, runsRoot: string, uri: vscode.Uri | undefined, check: (dataset: vscode.Uri) => Promise<boolean>): Promise<TrainingArgumentsInput | undefined> {
  const dataset = await pickDataset(uri);
  if (!dataset || !(await check(dataset))) return undefined;
  const choices: Choices = { ...defaults(), ...ctx.extension.workspaceState.get<Partial<Choices>>(lastChoicesKey, {}) };
  const model = await pickModel(ctx, choices.model, dataset);
  if (!model) return undefined;
  choices.model = model;
  const method = await pickMethod(choices.method);
  if (!method) return undefined;
  choices.method = method;
  const action = await reviewHyperparameters(choices);
  if (!action) return undefined;
  await ctx.extension.workspaceState.update(lastChoicesKey, choices);
  const args = toArguments(dataset, choices);
  if (action === 'more') {
    await writeRunConfiguration(ctx, dataset, args);
    return undefined;
  }
  return { ...args, out: path.join(runsRoot, newRunName(path.basename(dataset.fsPath, '.jsonl'), method)) };
}
