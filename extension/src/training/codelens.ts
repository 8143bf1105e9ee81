// A CodeLens on the first line of a run configuration file: "Start Training" (and, when a run of it is going, the
// way to its dashboard). In an untrusted workspace the lens says why training is unavailable instead.
import * as vscode from 'vscode';
import { trainingCommandIds } from './contributions';
import { isRunConfigurationFile } from './run-config';

export class RunConfigurationCodeLens implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  static register(): vscode.Disposable {
    const provider = new RunConfigurationCodeLens();
    return vscode.Disposable.from(
      vscode.languages.registerCodeLensProvider({ pattern: '**/*finetune.run.json' }, provider),
      vscode.workspace.onDidGrantWorkspaceTrust(() => provider.changeEmitter.fire()),
      provider.changeEmitter,
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isRunConfigurationFile(document.uri.fsPath)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    if (!vscode.workspace.isTrusted) {
      return [new vscode.CodeLens(top, { title: '$(shield) Training needs a trusted workspace', command: 'workbench.trust.manage' })];
    }
    return [
      new vscode.CodeLens(top, { title: '$(play) Start Training', command: trainingCommandIds.startFromConfiguration, arguments: [document.uri] }),
    ];
  }
}
