// The findings of an async lint stream as an array, for the tests that compare whole runs.
import type { Finding } from '../../datasets/src/index';

export async function collect(findings: AsyncIterable<Finding>): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const finding of findings) out.push(finding);
  return out;
}
