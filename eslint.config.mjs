// Lint: typescript-eslint's recommended rules over every TypeScript source and test, plus the house's boundaries:
// each part imports only the parts below it (scripts/house-parts.mjs; docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { MAY_IMPORT, TOOLS } from './scripts/house-parts.mjs';

const PARTS = [...Object.keys(MAY_IMPORT), ...TOOLS];

function boundary(part) {
  const forbidden = PARTS.filter((other) => other !== part && !MAY_IMPORT[part].includes(other));
  return {
    files: [`${part}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: forbidden.map((other) => `**/${other}/**`), message: `${part}/ may import only ${MAY_IMPORT[part].join(', ') || 'itself'} (docs/architecture.md).` }],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tmp/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
    },
  },
  ...Object.keys(MAY_IMPORT).map(boundary),
);
