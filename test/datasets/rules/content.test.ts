// Content rules that look at one record: one table per rule with exact positions, messages and fixed texts.
import { at, chat, ruleTester } from './rule-tester';

const good = chat('What is the capital of France?', 'The capital of France is Paris.');

{
  const long = chat('Summarise this.', 'word '.repeat(400).trim() + '.');
  ruleTester('too-long', {
    valid: [good, { text: long, settings: { maxSeqLen: 4096 } }],
    invalid: [
      { text: long, errors: [{ ...at(long, '"messages"'), message: 'about 514 tokens, over the maximum sequence length of 128: training would truncate it (estimated: set a base model for exact counts)' }], settings: { maxSeqLen: 128 } },
      { text: '{"text": "' + 'lorem '.repeat(200) + '"}', errors: [{ column: 2, endColumn: 8, message: 'about 300 tokens, over the maximum sequence length of 64: training would truncate it (estimated: set a base model for exact counts)' }], settings: { maxSeqLen: 64, severities: { placeholder: 'off' } } },
    ],
  });
}

{
  const ok = chat('Is the sky blue?', 'OK');
  const cjk = chat('天空是蓝色的吗？', '是');
  ruleTester('short-response', {
    valid: [good, chat('天空是蓝色的吗？', '是的'), { text: chat('2 + 2?', '4'), settings: { minResponseChars: 1 } }, { text: ok, settings: { minResponseChars: 2 } }],
    invalid: [
      { text: ok, errors: [{ ...at(ok, '"OK"'), message: 'the response is only 2 characters (minimum 3)' }] },
      { text: cjk, errors: [{ ...at(cjk, '"是"'), message: 'the response is only 2 characters (minimum 3)' }], settings: { minResponseChars: 3 } },
      { text: chat('2 + 2?', '4'), errors: [{ ...at(chat('2 + 2?', '4'), '"4"'), message: 'the response is only 1 character (minimum 2)' }], settings: { minResponseChars: 2 } },
    ],
  });
}

{
  const same = chat('Repeat after me: practice makes perfect.', 'Repeat after me:   PRACTICE makes perfect.');
  const mostly = chat('Please explain the water cycle to me', 'Please explain the water cycle to me. Sure.');
  ruleTester('echo', {
    valid: [good, chat('Please explain the water cycle to me', 'Water evaporates, condenses into clouds and falls back as rain or snow.')],
    invalid: [
      { text: same, errors: [{ ...at(same, '"Repeat after me:   PRACTICE makes perfect."'), message: 'the response is the prompt, repeated' }] },
      { text: mostly, errors: [{ ...at(mostly, '"Please explain the water cycle to me. Sure."'), message: 'the response mostly repeats the prompt' }] },
    ],
  });
}

{
  const midSentence = chat('How do I change a tyre?', 'Loosen the nuts first. Then jack up the car and then you should');
  const fence = chat('Show me a loop.', 'Here it is:\n```python\nfor i in range(3):\n    print(i)');
  const comma = chat('介绍一下北京。', '北京是中国的首都。它有三千多年的建城史和八百多年的建都史，故宫、长城、天坛和颐和园都在这里，每年吸引大量游客，');
  ruleTester('truncated-response', {
    valid: [
      good,
      chat('Show me a loop.', 'Here it is:\n```python\nfor i in range(3):\n    print(i)\n```'),
      chat('List two fruits.', 'Two common fruits:\n- apple\n- banana'),
      chat('Where are the docs?', 'Everything is documented at https://example.org/docs/getting-started'),
    ],
    invalid: [
      { text: midSentence, errors: [{ ...at(midSentence, 'should'), message: 'the response ends mid-sentence: it looks cut off' }] },
      { text: fence, errors: [{ ...at(fence, '```'), message: 'this code fence is never closed: the response looks cut off' }] },
      { text: comma, errors: [{ ...at(comma, '，', 3), message: 'the response ends mid-sentence: it looks cut off' }] },
    ],
  });
}

{
  const english = chat('Can you help me pick a lock?', 'As an AI language model, I cannot help with that.');
  const sorry = chat('Write a poem about rain.', "I'm sorry, but I can't help with that request.");
  const chinese = chat('帮我写一首诗。', '作为一个人工智能语言模型，我无法满足你的请求。');
  ruleTester('refusal-boilerplate', {
    valid: [good, chat('What is an AI language model?', 'A program trained on large amounts of text to predict the next word.')],
    invalid: [
      { text: english, errors: [{ ...at(english, 'As an AI language model'), message: 'refusal boilerplate: "As an AI language model"' }] },
      { text: sorry, errors: [{ ...at(sorry, "I'm sorry, but I can't help"), message: 'refusal boilerplate: "I\'m sorry, but I can\'t help"' }] },
      { text: chinese, errors: [{ ...at(chinese, '作为一个人工智能语言模型'), message: 'refusal boilerplate: "作为一个人工智能语言模型"' }] },
    ],
  });
}

{
  const todo = chat('What is climate?', 'TODO: write a proper answer.');
  const brackets = chat('Describe Paris.', 'Paris is [insert description here].');
  const lorem = chat('Write a paragraph.', 'Lorem ipsum dolor sit amet.');
  const chinese = chat('介绍一下杭州。', '杭州是一座美丽的城市，待补充。');
  ruleTester('placeholder', {
    valid: [good, chat('What is a to-do list?', 'A list of tasks you still have to do, often kept here in a notebook or [an app].')],
    invalid: [
      { text: todo, errors: [{ ...at(todo, 'TODO'), message: 'placeholder text "TODO"' }] },
      { text: brackets, errors: [{ ...at(brackets, '[insert description here]'), message: 'placeholder text "[insert description here]"' }] },
      { text: lorem, errors: [{ ...at(lorem, 'Lorem ipsum'), message: 'placeholder text "Lorem ipsum"' }] },
      { text: chinese, errors: [{ ...at(chinese, '待补充'), message: 'placeholder text "待补充"' }] },
    ],
  });
}

{
  const email = chat('How do I reach you?', 'Write to jane.doe@gmail.com any time.');
  const card = chat('Which card?', 'Use 4111 1111 1111 1111 for the payment.');
  const phone = chat('Phone?', 'Call +44 20 7946 0958 after nine.');
  const ip = chat('Server?', 'It runs on 8.8.4.4 and also on 192.168.1.10 internally.');
  const iban = chat('Bank details?', 'Transfer to GB82 WEST 1234 5698 7654 32 please.');
  ruleTester('pii', {
    valid: [good, chat('Example address?', 'Use someone@example.com in documentation.'), chat('Card?', 'A made-up number like 1234 5678 9012 3456 fails the Luhn check.')],
    invalid: [
      { text: email, errors: [{ ...at(email, 'jane.doe@gmail.com'), message: 'personal data: an e-mail address', fixed: '{"messages":[{"role":"user","content":"How do I reach you?"},{"role":"assistant","content":"Write to [EMAIL] any time."}]}' }] },
      { text: card, errors: [{ ...at(card, '4111 1111 1111 1111'), message: 'personal data: a payment card number', fixed: '{"messages":[{"role":"user","content":"Which card?"},{"role":"assistant","content":"Use [CARD] for the payment."}]}' }] },
      { text: phone, errors: [{ ...at(phone, '+44 20 7946 0958'), message: 'personal data: a phone number', fixed: '{"messages":[{"role":"user","content":"Phone?"},{"role":"assistant","content":"Call [PHONE] after nine."}]}' }] },
      { text: ip, errors: [{ ...at(ip, '8.8.4.4'), message: 'personal data: a public IP address', fixed: '{"messages":[{"role":"user","content":"Server?"},{"role":"assistant","content":"It runs on [IP] and also on 192.168.1.10 internally."}]}' }] },
      { text: iban, errors: [{ ...at(iban, 'GB82 WEST 1234 5698 7654 32'), message: 'personal data: an IBAN', fixed: '{"messages":[{"role":"user","content":"Bank details?"},{"role":"assistant","content":"Transfer to [IBAN] please."}]}' }] },
    ],
  });
}

{
  const openai = chat('Why does auth fail?', 'You hard-coded sk-proj-4fA9xQ2LmZ7pR3tW8yK1vB6nC0dE5gH2 in the script.');
  const aws = chat('Keys?', 'AKIAIOSFODNN7EXAMPLE is the access key id.');
  const privateKey = chat('Key file?', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow...');
  ruleTester('secret', {
    valid: [good, chat('What is a task-management-framework-for-teams?', 'A tool for assigning and tracking work.')],
    invalid: [
      { text: openai, errors: [{ ...at(openai, 'sk-proj-4fA9xQ2LmZ7pR3tW8yK1vB6nC0dE5gH2'), message: 'a credential (sk-pro…) in training data', fixed: '{"messages":[{"role":"user","content":"Why does auth fail?"},{"role":"assistant","content":"You hard-coded [REDACTED] in the script."}]}' }] },
      { text: aws, errors: [{ ...at(aws, 'AKIAIOSFODNN7EXAMPLE'), message: 'a credential (AKIAIO…) in training data', fixed: '{"messages":[{"role":"user","content":"Keys?"},{"role":"assistant","content":"[REDACTED] is the access key id."}]}' }] },
      { text: privateKey, errors: [{ ...at(privateKey, '-----BEGIN RSA PRIVATE KEY-----'), message: 'a credential (-----BEGIN RSA PRIVATE KEY-----) in training data', fixed: '{"messages":[{"role":"user","content":"Key file?"},{"role":"assistant","content":"[REDACTED]\\nMIIEow..."}]}' }] },
    ],
  });
}

{
  const mojibake = chat('Breakfast?', 'Try the cafÃ© downstairs.');
  const zeroWidth = '{"messages": [{"role": "user", "content": "Hi\\u200b"}, {"role": "assistant", "content": "Hello."}]}';
  const control = '{"messages": [{"role": "user", "content": "Hi\\u0007"}, {"role": "assistant", "content": "Hello."}]}';
  const replacement = chat('Name?', 'It is Jos\ufffd.');
  const surrogate = '{"messages": [{"role": "user", "content": "Hi \\ud800"}, {"role": "assistant", "content": "Hello."}]}';
  ruleTester('encoding', {
    valid: [good, chat('Café?', 'Un café, s’il vous plaît. 中文也没问题。 Emoji 👍 too.')],
    invalid: [
      { text: mojibake, errors: [{ ...at(mojibake, 'Ã©'), message: 'mojibake "Ã©": UTF-8 text that was decoded as Latin-1 or Windows-1252' }] },
      { text: zeroWidth, errors: [{ ...at(zeroWidth, '\\u200b'), message: 'invisible zero-width character U+200B', fixed: '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}' }] },
      { text: control, errors: [{ ...at(control, '\\u0007'), message: 'control character U+0007', fixed: '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}' }] },
      { text: replacement, errors: [{ ...at(replacement, '\ufffd'), message: 'U+FFFD replacement character: this text was decoded from invalid UTF-8' }] },
      { text: surrogate, errors: [{ ...at(surrogate, '\\ud800'), message: 'unpaired surrogate U+D800: not valid Unicode, tokenizers reject or mangle it', fixed: '{"messages": [{"role": "user", "content": "Hi "}, {"role": "assistant", "content": "Hello."}]}' }] },
    ],
  });
}

{
  const trailing = chat('What is gold?', 'Gold is a chemical element.   ');
  const both = '{"messages": [{"role": "user", "content": "\\n Hi"}, {"role": "assistant", "content": "Hello.\\n"}]}';
  ruleTester('whitespace', {
    valid: [good, '{"instruction": "Say hi.", "input": "", "output": "Hi!"}', '{"text": " leading space is part of plain text "}'],
    invalid: [
      { text: trailing, errors: [{ ...at(trailing, '   '), message: 'trailing whitespace', fixed: '{"messages":[{"role":"user","content":"What is gold?"},{"role":"assistant","content":"Gold is a chemical element."}]}' }] },
      { text: both, errors: [{ ...at(both, '\\n '), message: 'leading whitespace', fixed: '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello.\\n"}]}' }, { ...at(both, '\\n', 2), message: 'trailing whitespace', fixed: '{"messages": [{"role": "user", "content": "\\n Hi"}, {"role": "assistant", "content": "Hello."}]}' }] },
    ],
  });
}

{
  const mismatch = chat('为什么天空是蓝色的？请简单解释一下原因。', 'Because air molecules scatter blue light much more than red light.');
  ruleTester('language-mismatch', {
    valid: [good, chat('请把这句话翻译成英文：今天天气很好。', 'The weather is very nice today.'), chat('为什么天空是蓝色的？', '因为空气分子对蓝光的散射比红光强得多。')],
    invalid: [{ text: mismatch, errors: [{ ...at(mismatch, '"Because air molecules scatter blue light much more than red light."'), message: 'the prompt is in han script but the response is in latin' }] }],
  });
}
