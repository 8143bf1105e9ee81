// Where two JSON values differ, as `path: expected … actual …` lines (key order ignored), so a failing comparison
// of a generated file names what to fix instead of printing two large objects.
export function jsonDifferences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (JSON.stringify(actual) === JSON.stringify(expected)) return [];
  const bothArrays = Array.isArray(actual) && Array.isArray(expected);
  const bothObjects = isObject(actual) && isObject(expected) && !Array.isArray(actual) && !Array.isArray(expected);
  if (bothArrays) {
    const length = Math.max(actual.length, expected.length);
    return Array.from({ length }, (_, index) => jsonDifferences(actual[index], expected[index], `${path}[${index}]`)).flat();
  }
  if (bothObjects) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    return [...keys].flatMap((key) => jsonDifferences(actual[key], expected[key], `${path}.${key}`));
  }
  return [`${path}: is ${JSON.stringify(actual)}, generated ${JSON.stringify(expected)}`];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
