// The fuzz child process: runs inputs it receives over IPC one at a time and answers each with a verdict. The parent
// (pool.ts) kills it when an input runs past the time limit; an uncaught exception or a V8 fatal error ends it, and
// the parent reads that as a crash of the input in flight.
import { judge, type TargetContext, type Verdict } from './target';
import { TARGETS } from './targets/index';

export interface ChildRequest {
  target: string;
  input: string; // base64
  context: TargetContext;
}

process.on('message', (message: ChildRequest) => {
  void run(message).then((verdict) => process.send!(verdict));
});

async function run(request: ChildRequest): Promise<Verdict> {
  const target = TARGETS.find((candidate) => candidate.name === request.target);
  if (!target) return { kind: 'crash', detail: `no fuzz target named ${request.target}` };
  try {
    await target.check(Buffer.from(request.input, 'base64'), request.context);
    return { kind: 'ok' };
  } catch (error) {
    return judge(target, error);
  }
}
