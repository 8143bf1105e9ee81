// The dataset the UI scenarios open: a small support-chat set with a few problems a curator would meet, and which
// rule each one must raise (1-based lines, as the Problems panel shows them).
const chat = (user, assistant) => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });

const lines = [
  chat('How do I reset my password?', 'Open Settings, choose Security, then select "Reset password" and follow the e-mailed link.'),
  chat('Can I change the e-mail address on my account?', 'Yes. Go to Settings, then Profile, edit the address and confirm it from your new inbox.'),
  chat('Why was my card declined?', 'Card declines usually come from the bank: check the expiry date, the billing address and your daily limit.'),
  chat('How do I export my invoices?', 'In Billing, pick the date range and press "Export"; you get one PDF per invoice in a zip archive.'),
  '{"messages": [{"role": "user", "content": "Is there a mobile app?"}, {"role": "assistant", "content": "Yes, for iOS and Android."}',
  chat('How do I reset my password?', 'Open Settings, choose Security, then select "Reset password" and follow the e-mailed link.'),
  chat('Who do I contact about a refund?', 'Write to maria.lopez@outlook.com with your order number and she will handle it.'),
  chat('Can I pause my subscription?', 'You can pause it for up to three months from Billing, under "Manage plan".'),
  chat('Do you offer student discounts?', 'Students get 40% off with a valid university e-mail address, verified at checkout.'),
  chat('How do I delete my account?', 'Go to Settings, then Privacy, and choose "Delete account"; the data is erased after 30 days.'),
  chat('What payment methods are accepted?', 'We accept Visa, Mastercard, American Express, PayPal and bank transfers in the EU.'),
  chat('Is my data encrypted?', 'Yes: data is encrypted in transit with TLS 1.3 and at rest with AES-256.'),
];

export const DATASET_NAME = 'support-chat.jsonl';
export const DATASET_TEXT = lines.join('\n') + '\n';
/** Rule id → 1-based line the Problems panel must list it on. */
export const EXPECTED_PROBLEMS = { 'json-syntax': 5, duplicate: 6, pii: 7 };
/** A clean record's line, for the hover. */
export const CLEAN_LINE = 3;
