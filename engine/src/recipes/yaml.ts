// A small YAML writer for the recipe files (no dependency): block mappings and sequences, scalars that PyYAML (YAML
// 1.1, what TRL, Accelerate, Axolotl and LLaMA-Factory read with) parses back to the same value and type.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

/** A string PyYAML would read as another type (number, bool, null) or that needs quoting: written double-quoted. */
function needsQuotes(text: string): boolean {
  if (text === '' || text.trim() !== text) return true;
  if (/^(?:true|false|yes|no|on|off|null|~|y|n)$/i.test(text)) return true;
  if (/^[-+.]?[0-9]/.test(text) || /^\.(?:inf|nan)$/i.test(text)) return true;
  return /[:#{}[\],&*!|>'"%@`\n\t\\]/.test(text) || /^[-?]/.test(text);
}

/**
 * Numbers in a form PyYAML reads as floats: its float pattern needs a dot and a signed exponent, so 1e-8 (a string
 * to PyYAML) is written 1.0e-8.
 */
export function yamlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot write ${value} to YAML`);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const text = String(value);
  if (!text.includes('e')) return text;
  const [mantissa, exponent] = text.split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent.startsWith('-') || exponent.startsWith('+') ? exponent : `+${exponent}`}`;
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return yamlNumber(value);
  // JSON's double-quoted strings are valid YAML double-quoted strings.
  return needsQuotes(value) ? JSON.stringify(value) : value;
}

function isScalar(value: YamlValue): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

function lines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item) => {
      if (isScalar(item)) return [`${indent}- ${scalar(item)}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first.slice(indent.length + 2)}`, ...rest];
    });
  }
  if (isScalar(value)) return [`${indent}${scalar(value)}`];
  const entries = Object.entries(value).filter((entry): entry is [string, YamlValue] => entry[1] !== undefined);
  if (entries.length === 0) return [`${indent}{}`];
  return entries.flatMap(([key, item]) => {
    const name = needsQuotes(key) ? JSON.stringify(key) : key;
    if (isScalar(item)) return [`${indent}${name}: ${scalar(item)}`];
    if (Array.isArray(item) && item.length > 0 && item.every(isScalar)) return [`${indent}${name}: [${item.map(scalar).join(', ')}]`];
    if (Array.isArray(item) && item.length === 0) return [`${indent}${name}: []`];
    return [`${indent}${name}:`, ...lines(item, `${indent}  `)];
  });
}

/** A YAML document; `header` lines become comments on top (what wrote the file and how to run it). */
export function toYaml(value: { [key: string]: YamlValue | undefined }, header: readonly string[] = []): string {
  return [...header.map((line) => (line ? `# ${line}` : '#')), ...lines(value, '')].join('\n') + '\n';
}
