// The house's parts and what each may import besides itself (npm packages always): contracts ← tokenizer ← datasets
// ← engine, language-server ← cli, extension; webviews ← contracts only. Read by eslint.config.mjs (static imports)
// and test/house/ (dynamic imports and file-level circles). docs/architecture.md explains each part.
export const MAY_IMPORT = {
  contracts: [],
  tokenizer: ['contracts'],
  datasets: ['contracts', 'tokenizer'],
  engine: ['contracts', 'tokenizer', 'datasets'],
  'language-server': ['contracts', 'tokenizer', 'datasets'],
  cli: ['contracts', 'tokenizer', 'datasets', 'engine', 'language-server'],
  extension: ['contracts', 'tokenizer', 'datasets', 'engine', 'webviews'],
  webviews: ['contracts'],
};
/** Tools around the product: they may import any part, and no part imports them. */
export const TOOLS = ['bench', 'fuzz', 'scripts', 'test', 'reference'];
