// Preference data (TRL's explicit- and implicit-prompt forms): a well-formed file lints clean, and the structure
// rules locate a broken record's key or value as they do for the chat formats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatasetDocument, defaultSettings, lintText } from '../../../datasets/src/index';
import { at, ruleTester } from './rule-tester';

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });

export const explicitText = JSON.stringify({ prompt: 'What is 2 + 2?', chosen: 'Two plus two is four.', rejected: 'It is five, I think.' });
export const explicitTurns = JSON.stringify({ prompt: [user('Capital of France?')], chosen: [assistant('The capital of France is Paris.')], rejected: [assistant('Lyon, probably.')] });
export const implicit = JSON.stringify({
  chosen: [user('Say hello politely.'), assistant('Hello, and welcome! How can I help?')],
  rejected: [user('Say hello politely.'), assistant('What do you want?')],
});

test('a TRL-format preference file lints clean, in both forms and both kinds of value', async () => {
  const settings = { ...defaultSettings(), minExamples: 1 };
  for (const text of [[explicitText, explicitTurns].join('\n'), implicit]) {
    const document = createDatasetDocument('file:///pairs.jsonl', text, settings);
    assert.deepEqual(document.findings(), [], text);
    const streamed = [];
    for await (const finding of lintText(text, settings)) streamed.push(finding);
    assert.deepEqual(streamed, [], text);
  }
});

{
  const noRejected = '{"prompt": "Q?", "chosen": "An answer."}';
  ruleTester('missing-field', {
    valid: [explicitText, explicitTurns, implicit],
    invalid: [
      { text: [explicitText, noRejected], errors: [{ line: 2, ...at(noRejected, '"prompt"'), message: "missing 'rejected': the preference format needs 'prompt' and 'chosen' and 'rejected'" }] },
    ],
  });
}

{
  const number = '{"prompt": "Q?", "chosen": "An answer.", "rejected": 3}';
  const implicitString = '{"chosen": "Hello.", "rejected": "Go away."}';
  ruleTester('wrong-type', {
    valid: [explicitText, explicitTurns, implicit],
    invalid: [
      { text: number, errors: [{ ...at(number, '3'), message: "'rejected' should be a string or a list of turns, not a number" }] },
      { text: implicitString, errors: [{ ...at(implicitString, '"Hello."'), message: "'chosen' should be a list of turns, not a string" }, { ...at(implicitString, '"Go away."'), message: "'rejected' should be a list of turns, not a string" }] },
    ],
  });
}

{
  const emptyChosen = '{"prompt": "Q?", "chosen": " ", "rejected": "An answer."}';
  const noTurns = '{"prompt": "Q?", "chosen": [], "rejected": "An answer."}';
  ruleTester('empty-field', {
    valid: [explicitText, explicitTurns, implicit],
    invalid: [
      { text: emptyChosen, errors: [{ ...at(emptyChosen, '" "'), message: "'chosen' is empty" }] },
      { text: noTurns, errors: [{ ...at(noTurns, '[]'), message: "'chosen' has no turns" }] },
    ],
  });
}

{
  const stray = '{"prompt": "Q?", "chosen": "An answer.", "rejected": "No.", "rejectd": "No!"}';
  const typo = '{"prompt": "Q?", "chosen": "An answer.", "rejectd": "No."}';
  ruleTester('unknown-key', {
    valid: [explicitText, explicitTurns, implicit],
    invalid: [
      { text: stray, errors: [{ ...at(stray, '"rejectd"'), message: "unknown key 'rejectd' in a preference record: the trainer ignores it" }] },
      { text: typo, errors: [{ ...at(typo, '"rejectd"'), message: "unknown key 'rejectd' in a preference record: did you mean 'rejected'?", fixed: typo.replace('"rejectd"', '"rejected"') }] },
    ],
  });
}

{
  const same = '{"prompt": "Q?", "chosen": "An answer.", "rejected": "An answer."}';
  const sameTurns = JSON.stringify({ prompt: [user('Q?')], chosen: [assistant('An answer.')], rejected: 'An answer.' });
  const sameConversation = JSON.stringify({ chosen: [user('Hi'), assistant('Hello.')], rejected: [user('Hi'), assistant('Hello.')] });
  ruleTester('preference-identical', {
    valid: [explicitText, explicitTurns, implicit, '{"prompt": "Q?", "chosen": "", "rejected": ""}'],
    invalid: [
      { text: same, errors: [{ ...at(same, '"rejected"'), message: "'chosen' and 'rejected' hold the same answer: the pair teaches no preference" }] },
      { text: sameTurns, errors: [{ ...at(sameTurns, '"rejected"'), message: "'chosen' and 'rejected' hold the same answer: the pair teaches no preference" }] },
      { text: sameConversation, errors: [{ ...at(sameConversation, '"rejected"'), message: "'chosen' and 'rejected' hold the same conversation: the pair teaches no preference" }] },
    ],
  });
}

{
  const userSide = JSON.stringify({ prompt: 'Q?', chosen: [user('A follow-up question.')], rejected: 'No.' });
  const noAnswer = JSON.stringify({ chosen: [user('Hi')], rejected: [user('Hi'), assistant('Go away.')] });
  ruleTester('preference-side-role', {
    valid: [explicitText, explicitTurns, implicit],
    invalid: [
      { text: userSide, errors: [{ ...at(userSide, '"user"'), message: "a user turn in 'chosen': the answer should be the assistant's" }] },
      { text: noAnswer, errors: [{ ...at(noAnswer, '"chosen"'), message: "'chosen' has no answer after the prompt both sides share" }] },
    ],
  });
}

{
  const pair = (prompt: string, chosen: string, rejected: string) => JSON.stringify({ prompt, chosen, rejected });
  const q = 'Is the Earth flat?';
  const [yes, no, maybe] = ['No, the Earth is round.', 'Yes, it is flat.', 'Nobody knows.'];
  const ab = pair(q, yes, no);
  const ba = pair(q, no, yes);
  const other = pair('What colour is the sky?', 'Blue.', 'Green.');
  // the same pair written with turns, other case and other whitespace
  const baTurns = JSON.stringify({ prompt: [user('is the earth  flat?')], chosen: [assistant(' YES, it is flat.')], rejected: 'No, the Earth is round.' });
  const conversation = (chosen: string, rejected: string) => JSON.stringify({ chosen: [user(q), assistant(chosen)], rejected: [user(q), assistant(rejected)] });
  const message = (line: number) => `line ${line} prefers the opposite answer for the same prompt`;
  ruleTester('preference-contradiction', {
    valid: [
      // the same prompt and chosen answer with another rejected one: several pairs per prompt are usual
      [ab, pair(q, yes, maybe), pair(q, maybe, no)],
      // the same pair again is a duplicate, not a contradiction
      [ab, ab],
      // the opposite answers for another prompt
      [ab, pair('Is the Moon flat?', no, yes)],
      // identical answers contradict nothing (preference-identical reports them)
      [pair(q, yes, yes), pair(q, yes, yes)],
      { text: [ab, ba], settings: { severities: { 'preference-contradiction': 'off' } } },
      [conversation(yes, no), conversation(yes, maybe)],
    ],
    invalid: [
      { text: [ab, other, ba], errors: [{ line: 3, ...at(ba, '"prompt"'), message: message(1) }] },
      { text: [ab, baTurns], errors: [{ line: 2, ...at(baTurns, '"prompt"'), message: message(1) }] },
      // the implicit form: the shared turns are the prompt
      { text: [conversation(yes, no), conversation(no, yes)], errors: [{ line: 2, ...at(conversation(no, yes), '"chosen"'), message: message(1) }] },
      // a repeat of a contradicting pair is a duplicate first
      { text: [ab, ba, other, ba.replace('Yes', 'yes'), ab], errors: [{ line: 2, column: 2, message: message(1) }] },
      // a pair that repeats an earlier record's prompt and chosen answer still counts for later pairs
      { text: [ab, pair(q, yes, maybe), pair(q, maybe, yes)], errors: [{ line: 3, column: 2, message: message(2) }] },
    ],
  });

  test('preference-contradiction: the related location is the other pair, and it replaces conflicting-duplicate on that record', async () => {
    const text = [ab, other, ba].join('\n');
    const settings = { ...defaultSettings(), minExamples: 0 };
    const streamed = [];
    for await (const finding of lintText(text, settings)) streamed.push(finding);
    const opened = createDatasetDocument('file:///pairs.jsonl', text, settings).findings();
    for (const findings of [opened, streamed]) {
      const found = findings.filter((finding) => finding.rule === 'preference-contradiction');
      assert.equal(found.length, 1);
      assert.equal(found[0].severity, 'warning');
      assert.deepEqual(found[0].related?.map((related) => [related.range.start.line, related.message]), [[0, 'the pair with the opposite preference']]);
      assert.deepEqual(findings.filter((finding) => finding.rule === 'conflicting-duplicate'), []);
    }
    // the document knows the other line's key; a stream, which has left it behind, points to the line's start
    const related = opened.find((finding) => finding.rule === 'preference-contradiction')?.related?.[0];
    assert.deepEqual(related?.range, { start: { line: 0, character: 1 }, end: { line: 0, character: 9 } });
    // with the rule off, pairs still never get conflicting-duplicate: several chosen answers per prompt are usual
    const off = { ...settings, severities: { 'preference-contradiction': 'off' as const } };
    const conflicts = createDatasetDocument('file:///pairs.jsonl', text, off).findings().filter((finding) => finding.rule === 'conflicting-duplicate');
    assert.deepEqual(conflicts, []);
  });

  test('a pair duplicates only the same prompt with the same two answers; more pairs per prompt are neither duplicates nor conflicts', async () => {
    const long = (text: string) => `${text} — said at length, so that the answer has enough words to be compared fairly.`;
    const first = pair(q, long(yes), long(no));
    const lines = [first, pair(q, long(yes), long(maybe)), pair(q, long(maybe), long(no)), first];
    const settings = { ...defaultSettings(), minExamples: 0 };
    const streamed = [];
    for await (const finding of lintText(lines.join('\n'), settings)) streamed.push(finding);
    const opened = createDatasetDocument('file:///pairs.jsonl', lines.join('\n'), settings).findings();
    for (const findings of [opened, streamed]) {
      const crossRecord = findings.filter((finding) => ['duplicate', 'conflicting-duplicate', 'near-duplicate'].includes(finding.rule));
      assert.deepEqual(crossRecord.map((finding) => [finding.rule, finding.range.start.line]), [['duplicate', 3]]);
    }
  });
}

{
  const pair = (chosen: string, rejected: string) => JSON.stringify({ prompt: 'Explain the tides.', chosen, rejected });
  const long = 'The Moon pulls the oceans toward it, and the Earth turns beneath the bulge.';
  const short = 'The Moon pulls the sea.';
  // 10 pairs: chosen is the longer in 8, and the lower median of the ratios is long/short
  const biased = [...Array.from({ length: 8 }, () => pair(long, short)), pair(short, long), pair(short, long)];
  const ratio = (long.length / short.length).toFixed(1);
  ruleTester('preference-length-bias', {
    valid: [
      biased.slice(0, 9),
      [...Array.from({ length: 7 }, () => pair(long, short)), ...Array.from({ length: 3 }, () => pair(short, long))],
      Array.from({ length: 10 }, () => pair(long, long.toUpperCase())),
    ],
    invalid: [
      {
        text: biased,
        errors: [{ line: 1, column: 1, message: `chosen answers are longer than rejected ones in 80% of pairs (8 of 10), ${ratio}× as long at the median (characters): DPO may learn to prefer length; add pairs where the shorter answer wins` }],
      },
    ],
  });
}

{
  const longRejected = JSON.stringify({ prompt: 'Describe the sea.', chosen: 'Blue and wide.', rejected: 'waves '.repeat(200) });
  ruleTester('too-long', {
    valid: [explicitText, { text: longRejected, settings: { maxSeqLen: 4096 } }],
    invalid: [
      { text: longRejected, errors: [{ ...at(longRejected, '"prompt"'), message: /^the rejected example: about \d+ tokens, over the maximum sequence length of 64: training would truncate it/ }], settings: { maxSeqLen: 64 } },
    ],
  });
}

test('a preference hover gives both examples their token counts', () => {
  const document = createDatasetDocument('file:///pairs.jsonl', [explicitText, implicit].join('\n'), defaultSettings());
  for (const line of [0, 1]) {
    const contents = document.hover({ line, character: 2 })?.contents ?? '';
    assert.match(contents, /^\*\*preference(-implicit)?\*\* record/, contents);
    assert.match(contents, /Tokens \(chosen\): prompt ≈\d+ · response ≈\d+ · total ≈\d+ \/ \d+/, contents);
    assert.match(contents, /Tokens \(rejected\): prompt ≈\d+ · response ≈\d+ · total ≈\d+ \/ \d+/, contents);
  }
  const chat = createDatasetDocument('file:///chat.jsonl', JSON.stringify({ messages: [user('Hi'), assistant('Hello.')] }), defaultSettings());
  assert.match(chat.hover({ line: 0, character: 2 })?.contents ?? '', /\nTokens: prompt/);
});

test("the report's preference section: pairs, each side's length and the median ratio; none for chat data", () => {
  const pair = (chosen: string, rejected: string) => JSON.stringify({ prompt: 'Q?', chosen, rejected });
  const text = [pair('aaaa', 'aa'), pair('aaaaaa', 'aa'), pair('a', 'aa'), pair('', 'aa')].join('\n');
  const report = createDatasetDocument('file:///pairs.jsonl', text, defaultSettings()).report();
  // the pair with an empty answer has no length to compare; the lower median of 2×, 3×, 0.5× is 2×
  assert.deepEqual(report.preference, { pairs: 3, chosenLonger: 2, chosenChars: 11, rejectedChars: 6, medianRatio: 2 });
  const chat = JSON.stringify({ messages: [user('Hi'), assistant('Hello.')] });
  assert.equal(createDatasetDocument('file:///chat.jsonl', chat, defaultSettings()).report().preference, undefined);
});
