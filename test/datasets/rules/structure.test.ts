// Structure rules: one table per rule, valid and invalid JSONL with the exact position, message and fixed text of each finding.
import { at, chat, ruleTester } from './rule-tester';

const good = chat('What is 2 + 2?', 'Two plus two is four.');

{
  const trailing = '{"messages": [{"role": "user", "content": "Hi"},]}';
  const single = "{'messages': []}";
  const cut = '{"messages": [{"role": "user"';
  const control = '{"text": "a\tb"}';
  ruleTester('json-syntax', {
    valid: [good, [good, '', good], '\ufeff' + good, good + '\r'],
    invalid: [
      { text: trailing, errors: [{ ...at(trailing, ']'), message: "trailing comma before ']'" }] },
      { text: single, errors: [{ column: 2, endColumn: 3, message: "expected a double-quoted property name, found '''" }] },
      { text: cut, errors: [{ column: cut.length, endColumn: cut.length + 1, message: "the line ends inside an object: '}' is missing" }] },
      { text: control, errors: [{ ...at(control, '\t'), message: 'control character U+0009 inside a string must be escaped' }] },
      { text: [good, '{"text": "unterminated}'], errors: [{ line: 2, column: 10, message: 'unterminated string: the closing quote is missing' }] },
      { text: '\ufeff{"text": 1,}', errors: [{ column: 13, endColumn: 14, message: "trailing comma before '}'" }] },
    ],
  });
}

ruleTester('not-object', {
  valid: [good],
  invalid: [
    { text: '["user", "hi"]', errors: [{ column: 1, endColumn: 15, message: 'each line should be a JSON object, not an array' }] },
    { text: '  "just a string"', errors: [{ column: 3, endColumn: 18, message: 'each line should be a JSON object, not a string' }] },
    { text: [good, '42'], errors: [{ line: 2, column: 1, endColumn: 3, message: 'each line should be a JSON object, not a number' }] },
  ],
});

{
  const noContent = '{"messages": [{"role": "user", "content": "Name a colour."}, {"role": "assistant"}]}';
  const noOutput = '{"instruction": "Say hi.", "input": ""}';
  const nothing = '{"foo": 1}';
  ruleTester('missing-field', {
    valid: [good, '{"instruction": "Say hi.", "output": "Hi!"}', '{"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": null, "tool_calls": []}]}'],
    invalid: [
      { text: noContent, errors: [{ ...at(noContent, '{"role": "assistant"}'), message: "this turn has no 'content'" }] },
      { text: [good, noOutput], errors: [{ line: 2, ...at(noOutput, '"instruction"'), message: "missing 'messages': the messages format needs 'messages'" }] },
      { text: nothing, errors: [{ column: 1, endColumn: 2, message: 'no key of a known dataset format (messages, sharegpt, alpaca, instruction-response, prompt-completion, text, preference, preference-implicit): expected e.g. "messages" or "instruction" and "output"' }] },
    ],
  });
}

{
  const number = '{"messages": [{"role": "user", "content": 42}, {"role": "assistant", "content": "Forty-two."}]}';
  const notList = '{"messages": {"role": "user"}}';
  const weight = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello.", "weight": "high"}]}';
  const history = '{"instruction": "Continue.", "output": "Sure.", "history": [["only one"]]}';
  ruleTester('wrong-type', {
    valid: [good, '{"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}, {"role": "assistant", "content": "Hello.", "weight": 0}]}'],
    invalid: [
      { text: number, errors: [{ ...at(number, '42'), message: "'content' should be a string, not a number" }] },
      { text: notList, errors: [{ ...at(notList, '{"role": "user"}'), message: "'messages' should be a list of turns, not an object" }] },
      { text: weight, errors: [{ ...at(weight, '"high"'), message: "'weight' should be a number from 0 to 1" }] },
      { text: history, errors: [{ ...at(history, '["only one"]'), message: 'each history entry should be a pair of two strings' }] },
    ],
  });
}

{
  const emptyAnswer = chat('What rhymes with orange?', '');
  const blankInstruction = '{"instruction": "   ", "output": "Nothing."}';
  const noTurns = '{"messages": []}';
  ruleTester('empty-field', {
    valid: [good, '{"instruction": "Say hi.", "input": "", "output": "Hi!"}'],
    invalid: [
      { text: emptyAnswer, errors: [{ ...at(emptyAnswer, '""'), message: 'the assistant turn is empty' }] },
      { text: blankInstruction, errors: [{ ...at(blankInstruction, '"   "'), message: "'instruction' is empty" }] },
      { text: noTurns, errors: [{ ...at(noTurns, '[]'), message: "'messages' has no turns" }] },
    ],
  });
}

{
  const typo = '{"instrucion": "Say hi.", "instruction": "Say hello.", "output": "Hello!"}';
  const messageKey = '{"messages": [{"role": "user", "content": "Hi", "contnet": "x"}, {"role": "assistant", "content": "Hello."}]}';
  const stray = JSON.stringify({ messages: JSON.parse(good).messages, rating: 5 });
  const rename = '{"mesages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}';
  ruleTester('unknown-key', {
    valid: [good, JSON.stringify({ id: 'a1', source: 'forum', messages: JSON.parse(good).messages })],
    invalid: [
      { text: typo, errors: [{ ...at(typo, '"instrucion"'), message: "unknown key 'instrucion' in a alpaca record: the trainer ignores it" }] },
      { text: messageKey, errors: [{ ...at(messageKey, '"contnet"'), message: "unknown key 'contnet' in a turn: the trainer ignores it" }] },
      { text: stray, errors: [{ ...at(stray, '"rating"'), message: "unknown key 'rating' in a messages record: the trainer ignores it" }] },
      { text: [good, rename], errors: [{ line: 2, ...at(rename, '"mesages"'), message: "unknown key 'mesages' in a messages record: did you mean 'messages'?", fixed: [good, rename.replace('"mesages"', '"messages"')] }] },
    ],
  });
}

{
  const alpaca = '{"instruction": "Convert 5 km to miles.", "output": "About 3.1 miles."}';
  ruleTester('mixed-format', {
    valid: [[good, good.replace('four', 'four indeed')], [alpaca, alpaca.replace('About', 'Roughly')]],
    invalid: [
      { text: [good, chat('Hi', 'Hello there.'), alpaca], errors: [{ line: 3, ...at(alpaca, '"instruction"'), message: 'this record is in the alpaca format, the file is mostly messages' }] },
      { text: [alpaca], errors: [{ ...at(alpaca, '"instruction"'), message: 'this record is in the alpaca format, the file is set to messages' }], settings: { format: 'messages' } },
    ],
  });
}

const PROTOTYPE_NAMES = ['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty', 'Constructor'];

/** A valid two-turn conversation whose second role is `name`. */
function prototypeRole(key: 'messages' | 'conversations', name: string): string {
  const [role, content, user] = key === 'messages' ? ['role', 'content', 'user'] : ['from', 'value', 'human'];
  return JSON.stringify({ [key]: [{ [role]: user, [content]: 'Hi' }, { [role]: name, [content]: 'Hello.' }] });
}

{
  const human = '{"messages": [{"role": "human", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}';
  const capital = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "Assistant", "content": "Hello."}]}';
  const sharegpt = '{"conversations": [{"from": "human", "value": "Hi"}, {"from": "bot", "value": "Hello."}]}';
  ruleTester('unknown-role', {
    valid: [good, '{"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}]}'],
    invalid: [
      { text: human, errors: [{ ...at(human, '"human"'), message: "unknown role 'human': did you mean 'user'? (expected system, user, assistant, tool)", fixed: '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}' }] },
      { text: capital, errors: [{ ...at(capital, '"Assistant"'), message: "unknown role 'Assistant': did you mean 'assistant'? (expected system, user, assistant, tool)", fixed: '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}' }] },
      { text: sharegpt, errors: [{ ...at(sharegpt, '"bot"'), message: "unknown role 'bot': did you mean 'gpt'? (expected system, human, gpt, user)", fixed: '{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}]}' }] },
      // Names of Object.prototype are user text like any other, not roles.
      ...PROTOTYPE_NAMES.map((name) => {
        const text = prototypeRole('messages', name);
        return { text, errors: [{ ...at(text, JSON.stringify(name)), message: `unknown role '${name}' (expected system, user, assistant, tool)` }] };
      }),
      ...PROTOTYPE_NAMES.map((name) => {
        const text = prototypeRole('conversations', name);
        return { text, errors: [{ ...at(text, JSON.stringify(name)), message: `unknown role '${name}' (expected system, human, gpt, user)` }] };
      }),
    ],
  });
}

{
  const twoUsers = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Hello."}]}';
  const lateSystem = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be brief."}, {"role": "assistant", "content": "Hello."}]}';
  const noAnswer = '{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}';
  const untrained = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello.", "train": false}]}';
  ruleTester('role-order', {
    valid: [good, chat('Hi', 'Hello.', 'How are you?', 'Fine, thanks.'), '{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}'],
    invalid: [
      { text: twoUsers, errors: [{ ...at(twoUsers, '"user"', 2), message: 'two user turns in a row: merge them or add the missing turn between' }] },
      { text: lateSystem, errors: [{ ...at(lateSystem, '"system"'), message: 'a system turn should come first, once' }] },
      { text: noAnswer, errors: [{ ...at(noAnswer, '"messages"'), message: 'no trained assistant turn: this record teaches the model nothing' }] },
      { text: untrained, errors: [{ ...at(untrained, '"messages"'), message: 'no trained assistant turn: this record teaches the model nothing' }] },
    ],
  });
}
