// Every part of the extension that contributes to package.json, in the order the manifest lists their entries.
// A new part adds its `PartContributions` here; `npm run contributions` then rewrites package.json.
import { datasetContributions } from '../dataset-contributions';
import { exportContributions } from '../export/contributions';
import { previewContributions } from '../preview/contributions';
import { trainingContributions } from '../training/contributions';
import type { PartContributions } from './types';

export const EXTENSION_PARTS: readonly PartContributions[] = [datasetContributions, trainingContributions, previewContributions, exportContributions];
