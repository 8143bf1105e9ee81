// The client side's import rules: no file-level import circle in extension/ or webviews/ (type-only imports count),
// and the webviews, which run in the browser, import nothing of the repository but their own files and contracts/.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { importCircles, importSpecifiers, resolveImport, sourceFiles } from './import-graph';

test('no import circle among the files of extension/ or of webviews/', () => {
  for (const folder of ['extension/src', 'webviews/src']) assert.deepEqual(importCircles(sourceFiles(folder)), [], `${folder} has import circles`);
});

test('webviews import only their own files and contracts/', () => {
  const allowed = ['webviews/src', 'contracts/src'].map((folder) => path.resolve(folder) + path.sep);
  const outside = sourceFiles('webviews/src').flatMap((file) =>
    importSpecifiers(file)
      .filter((specifier) => specifier.startsWith('.'))
      .filter((specifier) => !allowed.some((folder) => (resolveImport(file, specifier) ?? path.resolve(path.dirname(file), specifier)).startsWith(folder)))
      .map((specifier) => `${file} imports ${specifier}`),
  );
  assert.deepEqual(outside, []);
});
