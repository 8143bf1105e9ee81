// "Fine-Tune: Start Training…": a short quick-pick flow — dataset (the active editor's by default), base model
// folder, for preference data the objective (DPO recommended, or SFT on the chosen answers), method, then the few
// hyperparameters that matter with their defaults (β for DPO), and a "more…" path that writes a run configuration file
// with every option. Values chosen last time are offered first next time. The decisions are in ./start-choices.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultLearningRate, TRAINING_OPTIONS, type Method, type Objective, type TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import type { Ctx } from '../ctx';
import type { DatasetFacts } from './dataset-check';
import { newRunName, runConfigurationSchemaPath, type RunConfiguration } from './run-config';
import { betaProblem, defaultBeta, defaultChoices, initialMethod, initialObjective, isPreferenceFormat, methodsFor, OBJECTIVE_ITEMS, toArguments, type Choices } from './start-choices';

const lastChoicesKey = 'finetune.training.lastChoices';

/** "Start Training (2/4): base model folder": the count grows by the objective step for preference data. */
interface Steps {
  total: number;
}

const stepTitle = (step: number, steps: Steps, what: string) => `Start Training (${step}/${steps.total}): ${what}`;

const methodDescriptions: Record<Method, string> = {
  lora: 'Low-rank adapters on the attention projections: small, fast, the usual choice',
  qlora: 'LoRA over a 4-bit base model: least memory',
  full: 'Every weight trains: most memory, a full model as output',
  prompt: 'Trainable virtual tokens in front of every prompt: tiniest output',
  ptuning: 'Virtual tokens from a trainable prompt encoder (P-tuning): tiny output, steadier than prompt tuning',
  prefix: 'Trainable keys and values in every layer (prefix tuning, P-Tuning v2): small output, stronger than prompt tuning',
};

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

async function pickModel(ctx: Ctx, remembered: string | undefined, dataset: vscode.Uri, steps: Steps): Promise<string | undefined> {
  const fromSettings = ctx.config.forResource(dataset).resolvePath(ctx.config.forResource(dataset).baseModel, dataset);
  const candidates = [...new Set([remembered, fromSettings].filter((value): value is string => !!value && fs.existsSync(path.join(value, 'config.json'))))];
  const items: (vscode.QuickPickItem & { folder?: string })[] = candidates.map((folder) => ({ label: path.basename(folder), description: folder, folder }));
  items.push({ label: '$(folder-opened) Browse…', description: 'A Hugging Face model folder (config.json, safetensors, tokenizer.json)' });
  const picked = await vscode.window.showQuickPick(items, { title: stepTitle(2, steps, 'base model folder') });
  if (!picked) return undefined;
  let folder = picked.folder;
  if (!folder) [folder] = ((await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Base model folder' })) ?? []).map((uri) => uri.fsPath);
  if (folder && !fs.existsSync(path.join(folder, 'config.json'))) {
    void vscode.window.showErrorMessage(`${folder} has no config.json: choose a Hugging Face model folder.`);
    return undefined;
  }
  return folder;
}

/** Preference data only: DPO (first unless SFT was chosen last time) or SFT on the chosen answers. */
async function pickObjective(current: Objective, steps: Steps): Promise<Objective | undefined> {
  const items = OBJECTIVE_ITEMS.map((item) => ({ ...item, picked: item.objective === current }));
  items.sort((a, b) => Number(b.objective === current) - Number(a.objective === current));
  const picked = await vscode.window.showQuickPick(items, { title: stepTitle(3, steps, 'objective (preference data)'), placeHolder: 'The dataset holds chosen/rejected pairs' });
  return picked?.objective;
}

async function pickMethod(current: Method, objective: Objective, steps: Steps): Promise<Method | undefined> {
  const items = methodsFor(objective).map((method) => ({ label: method, description: methodDescriptions[method], picked: method === current }));
  items.sort((a, b) => Number(b.label === current) - Number(a.label === current));
  const title = stepTitle(steps.total, steps, objective === 'dpo' ? 'method (DPO trains LoRA, QLoRA or full)' : 'method');
  return (await vscode.window.showQuickPick(items, { title }))?.label;
}

type HyperparameterKey = 'steps' | 'epochs' | 'lr' | 'batchSize' | 'rank' | 'maxSeqLen' | 'beta';

function numberPrompt(key: HyperparameterKey, current: number | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: TRAINING_OPTIONS[key].help,
    value: current === undefined ? '' : String(current),
    prompt: key === 'steps' || key === 'lr' ? 'Empty: the default' : key === 'beta' ? 'Larger keeps the model closer to the base; TRL\'s default is 0.1' : undefined,
    validateInput: (text) => {
      if (key === 'beta') return betaProblem(text);
      if (text.trim() === '' && (key === 'steps' || key === 'lr')) return undefined;
      const parsed = TRAINING_OPTIONS[key].schema.safeParse(Number(text));
      return text.trim() !== '' && parsed.success ? undefined : `${key}: ${parsed.success ? 'a number' : parsed.error.issues[0].message}`;
    },
  });
}

/** The hyperparameter list: pick one to change it, "Start" to go, "More…" for a run configuration file. */
async function reviewHyperparameters(choices: Choices, objective: Objective | undefined): Promise<'start' | 'more' | undefined> {
  for (;;) {
    const rows: { key: HyperparameterKey; label: string; value: string }[] = [
      { key: 'steps', label: 'Steps', value: choices.steps === undefined ? `${choices.epochs} epoch(s)` : String(choices.steps) },
      { key: 'epochs', label: 'Epochs', value: String(choices.epochs) },
      { key: 'lr', label: 'Learning rate', value: choices.lr === undefined ? `default (${defaultLearningRate(choices.method, objective).toExponential()})` : String(choices.lr) },
      { key: 'batchSize', label: 'Batch size', value: String(choices.batchSize) },
      ...(choices.method === 'lora' || choices.method === 'qlora' ? [{ key: 'rank' as const, label: 'LoRA rank', value: String(choices.rank) }] : []),
      { key: 'maxSeqLen', label: 'Max sequence length', value: String(choices.maxSeqLen) },
      ...(objective === 'dpo' ? [{ key: 'beta' as const, label: 'DPO β', value: String(choices.beta ?? defaultBeta()) }] : []),
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
export async function startTrainingFlow(ctx: Ctx, runsRoot: string, uri: vscode.Uri | undefined, check: (dataset: vscode.Uri) => Promise<DatasetFacts | undefined>): Promise<TrainingArgumentsInput | undefined> {
  const dataset = await pickDataset(uri);
  if (!dataset) return undefined;
  const facts = await check(dataset);
  if (!facts) return undefined;
  const preferenceData = isPreferenceFormat(facts.format);
  const steps: Steps = { total: preferenceData ? 4 : 3 };
  const choices: Choices = { ...defaultChoices(), ...ctx.extension.workspaceState.get<Partial<Choices>>(lastChoicesKey, {}) };
  const model = await pickModel(ctx, choices.model, dataset, steps);
  if (!model) return undefined;
  choices.model = model;
  let objective: Objective | undefined;
  if (preferenceData) {
    objective = await pickObjective(initialObjective(choices.objective), steps);
    if (!objective) return undefined;
    choices.objective = objective;
  }
  const method = await pickMethod(initialMethod(choices.method, objective ?? 'sft'), objective ?? 'sft', steps);
  if (!method) return undefined;
  choices.method = method;
  const action = await reviewHyperparameters(choices, objective);
  if (!action) return undefined;
  await ctx.extension.workspaceState.update(lastChoicesKey, choices);
  const args = toArguments(dataset.fsPath, choices, preferenceData);
  if (action === 'more') {
    await writeRunConfiguration(ctx, dataset, args);
    return undefined;
  }
  return { ...args, out: path.join(runsRoot, newRunName(path.basename(dataset.fsPath, '.jsonl'), method, new Date(), args.objective)) };
}
