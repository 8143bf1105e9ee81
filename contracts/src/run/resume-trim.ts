// What a resumed run keeps of its history: the events up to the checkpoint it continues from, without the old final
// event, so metrics.jsonl (and a dashboard that read it before the resume) shows one continuous curve.
import { isTerminal, type RunEvent } from './run-events';

export function eventsKeptOnResume(events: readonly RunEvent[], fromStep: number): RunEvent[] {
  return events.filter((event) => !isTerminal(event) && event.step <= fromStep);
}
