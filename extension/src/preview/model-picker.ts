// The preview model, chosen once per workspace: a status-bar item shows it, clicking it opens a quick pick of the
// base model and the finished runs; the choice is kept in workspace state. Previews and comparisons read it here.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { listRunDirectories } from '../../../engine/src/run-folder/list-runs';
import { runsRoots } from '../training/runs-view';
import { previewCommandIds, MODEL_STATE_KEY } from './contributions';
import { BASE_CHOICE_ID, listModelChoices, runChoice, baseChoice, type ModelChoice } from './model-choice';

export class ModelPicker implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<ModelChoice | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.item = vscode.window.createStatusBarItem('finetune.previewModel', vscode.StatusBarAlignment.Right, 90);
    this.item.name = 'Fine-Tune Preview Model';
    this.item.command = previewCommandIds.pickModel;
    this.disposables.push(
      this.item,
      this.changed,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('finetune.baseModel') && this.update()),
    );
    this.update();
  }

  baseModelPath(): string | undefined {
    return this.ctx.config.resolvePath(this.ctx.config.baseModel);
  }

  choices(): ModelChoice[] {
    const runs = runsRoots().flatMap((root) => listRunDirectories(root));
    return listModelChoices(this.baseModelPath(), runs);
  }

  /** The stored choice if it still exists (a deleted run or an unset base model falls back to what is there). */
  current(): ModelChoice | undefined {
    const stored = this.ctx.extension.workspaceState.get<string>(MODEL_STATE_KEY);
    if (stored?.startsWith('run:')) {
      const run = runChoice(stored.slice('run:'.length));
      if (run) return run;
    }
    const base = this.baseModelPath();
    if (stored === BASE_CHOICE_ID && base) return baseChoice(base);
    return this.choices()[0];
  }

  byId(id: string): ModelChoice | undefined {
    return this.choices().find((choice) => choice.id === id);
  }

  async set(choice: ModelChoice): Promise<void> {
    await this.ctx.extension.workspaceState.update(MODEL_STATE_KEY, choice.id);
    this.update();
    this.changed.fire(choice);
  }

  /** Quick pick of every choice; resolves to the chosen one (also stored), or undefined when dismissed. */
  async pick(placeHolder = 'Model for previews and the playground', filter: (choice: ModelChoice) => boolean = () => true): Promise<ModelChoice | undefined> {
    const choices = this.choices().filter(filter);
    if (choices.length === 0) {
      const action = await vscode.window.showWarningMessage('No model to generate with: set "finetune.baseModel" to a Hugging Face model folder, or finish a training run.', 'Open Settings');
      if (action) void vscode.commands.executeCommand('workbench.action.openSettings', 'finetune.baseModel');
      return undefined;
    }
    const currentId = this.current()?.id;
    const picked = await vscode.window.showQuickPick(
      choices.map((choice) => ({ label: `${choice.id === currentId ? '$(check) ' : ''}${choice.label}`, description: choice.description, detail: choice.adapter ?? choice.model, choice })),
      { placeHolder },
    );
    if (!picked) return undefined;
    await this.set(picked.choice);
    return picked.choice;
  }

  /** The current choice, or asks for one. */
  async require(): Promise<ModelChoice | undefined> {
    return this.current() ?? (await this.pick());
  }

  update(): void {
    const choice = this.current();
    this.item.text = `$(hubot) ${choice ? choice.label : 'No model'}`;
    this.item.tooltip = choice ? `Fine-Tune previews generate with ${choice.label} (${choice.adapter ?? choice.model}). Click to change.` : 'Choose the model Fine-Tune previews generate with';
    const editor = vscode.window.activeTextEditor;
    const relevant = this.ctx.trusted && !!editor && (editor.document.languageId === 'jsonl' || editor.document.fileName.endsWith('.jsonl'));
    if (relevant) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
