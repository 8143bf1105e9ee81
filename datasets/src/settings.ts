// Default settings for a dataset document. Editor settings and the workspace config file override these; a rule's
// default severity lives in its own file, so `severities` starts empty.
import type { DatasetSettings } from '../../contracts/src/dataset-types';

export const DEFAULT_MAX_DOCUMENT_SIZE_MB = 50;

export function defaultSettings(): DatasetSettings {
  return {
    format: 'auto',
    maxSeqLen: 2048,
    severities: {},
    nearDuplicateThreshold: 0.8,
    minExamples: 50,
    minResponseChars: 3,
    maxFindingsPerFile: 1000,
    maxDocumentSizeMB: DEFAULT_MAX_DOCUMENT_SIZE_MB,
  };
}
