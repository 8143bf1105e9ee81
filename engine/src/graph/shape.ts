// Shapes with static sizes or symbolic names ("batch", "seq"), and the little algebra shape inference needs:
// numpy broadcasting, products and quotients of symbolic sizes (a product is written "batch*seq").

export type Dim = number | string;
export type Shape = readonly Dim[];

/** Splits a dimension into a numeric coefficient and sorted symbol factors. */
function factors(dim: Dim): { coefficient: number; symbols: string[] } {
  if (typeof dim === 'number') return { coefficient: dim, symbols: [] };
  let coefficient = 1;
  const symbols: string[] = [];
  for (const part of dim.split('*')) {
    if (/^\d+$/.test(part)) coefficient *= Number(part);
    else symbols.push(part);
  }
  return { coefficient, symbols: symbols.sort() };
}

function fromFactors(coefficient: number, symbols: string[]): Dim {
  if (symbols.length === 0) return coefficient;
  const sorted = [...symbols].sort();
  return coefficient === 1 ? sorted.join('*') : [String(coefficient), ...sorted].join('*');
}

export function dimProduct(dims: Shape): Dim {
  let coefficient = 1;
  const symbols: string[] = [];
  for (const dim of dims) {
    const f = factors(dim);
    coefficient *= f.coefficient;
    symbols.push(...f.symbols);
  }
  return fromFactors(coefficient, symbols);
}

/** numerator / denominator, or undefined when the symbols do not cancel or the numbers do not divide. */
export function dimQuotient(numerator: Dim, denominator: Dim): Dim | undefined {
  const n = factors(numerator);
  const d = factors(denominator);
  if (d.coefficient === 0 || n.coefficient % d.coefficient !== 0) return undefined;
  const remaining = [...n.symbols];
  for (const symbol of d.symbols) {
    const at = remaining.indexOf(symbol);
    if (at < 0) return undefined;
    remaining.splice(at, 1);
  }
  return fromFactors(n.coefficient / d.coefficient, remaining);
}

export function sameDim(a: Dim, b: Dim): boolean {
  return typeof a === typeof b && (typeof a === 'number' ? a === b : fromFactors(factors(a).coefficient, factors(a).symbols) === fromFactors(factors(b).coefficient, factors(b).symbols));
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** numpy broadcasting of several shapes; a symbolic size against a fixed one (other than 1) is taken to be that size. */
export function broadcastShapes(shapes: readonly Shape[], context: string): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const result: Dim[] = [];
  for (let axis = 0; axis < rank; axis++) {
    let dim: Dim = 1;
    for (const shape of shapes) {
      const d = shape[axis - (rank - shape.length)] ?? 1;
      if (d === 1 || sameDim(d, dim)) continue;
      if (dim === 1) dim = d;
      else if (typeof dim === 'string' && typeof d === 'number') dim = d;
      else if (typeof dim === 'number' && typeof d === 'string') continue;
      else throw new Error(`${context}: shapes ${shapes.map(formatShape).join(' and ')} do not broadcast (axis ${axis}: ${dim} vs ${d})`);
    }
    result.push(dim);
  }
  return result;
}

/** Axes of `target` (after left-padding `source` with 1s) along which `source` was broadcast, for gradient reduction. */
export function broadcastAxes(source: Shape, target: Shape): number[] {
  const pad = target.length - source.length;
  const axes: number[] = [];
  for (let axis = 0; axis < target.length; axis++) {
    if (axis < pad) axes.push(axis);
    else if (source[axis - pad] === 1 && target[axis] !== 1) axes.push(axis);
  }
  return axes;
}

export function normalizeAxis(axis: number, rank: number, context: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`${context}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function isStatic(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
