// Turns the service's findings into LSP diagnostics: `source: 'finetune'`, the rule id as `code` with a link to the
// rule's documentation, related locations. Each diagnostic gets a key so code actions can find the finding (and
// the fixes computed with it) again.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE, ruleDocsUrl } from '../../../contracts/src/lsp-protocol';
import type { Finding, Range, Severity } from '../../../contracts/src/dataset-types';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function rangeKey(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** Identifies a finding by what the client echoes back in a code action request: code, range and message. */
export function findingKey(rule: string, range: Range, message: string): string {
  return `${rule}|${rangeKey(range)}|${message}`;
}

export function toDiagnostic(finding: Finding, documentUri: string): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.rule,
    codeDescription: { href: ruleDocsUrl(finding.rule) },
    message: finding.message,
  };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((related) => ({
      location: { uri: related.uri ?? documentUri, range: related.range },
      message: related.message,
    }));
  }
  return diagnostic;
}

/** The findings of one document version, indexed for code actions. */
export class FindingIndex {
  private readonly byKey = new Map<string, Finding>();

  constructor(
    readonly version: number,
    readonly findings: readonly Finding[],
  ) {
    for (const finding of findings) this.byKey.set(findingKey(finding.rule, finding.range, finding.message), finding);
  }

  lookup(diagnostic: Diagnostic): Finding | undefined {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') return undefined;
    const message = typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
    return this.byKey.get(findingKey(diagnostic.code, diagnostic.range, message));
  }
}
