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
