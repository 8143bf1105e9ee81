// Synthetic chat datasets for the lint bench: deterministic (seeded), varied sentences in English and Chinese,
// about 1% exact duplicates and a sprinkle of problems, so the bench exercises every index and most rules.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the model data training example answer question because people often use simple tools to build better systems that ' +
  'learn from text and code while keeping memory small enough for laptops with one graphics card or none at all when ' +
  'running experiments on weekends the team measured latency throughput accuracy and cost across several providers then ' +
  'wrote a short report explaining which settings mattered most for users who care about privacy speed and quality ' +
  'python function returns list value error handling loop variable string number file network request response cache ' +
  'database index query table column row schema migration version release deploy server client browser page style layout ' +
  'garden water soil seed plant flower tree leaf sun rain season spring summer autumn winter kitchen recipe flour sugar ' +
  'butter oven bake minutes temperature travel city train ticket hotel museum river mountain history century language'
).split(' ');
const HAN =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严';

function sentence(next: () => number, chinese: boolean): string {
  if (chinese) {
    const length = 12 + Math.floor(next() * 30);
    let text = '';
    for (let i = 0; i < length; i++) text += HAN[Math.floor(next() * HAN.length)];
    return `${text}。`;
  }
  const length = 8 + Math.floor(next() * 14);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(WORDS[Math.floor(next() * WORDS.length)]);
  const text = words.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(next: () => number, chinese: boolean, sentences: number): string {
  return Array.from({ length: sentences }, () => sentence(next, chinese)).join(chinese ? '' : ' ');
}

/** One JSONL record of roughly `targetBytes` bytes. */
export function chatRecord(next: () => number, index: number, targetBytes: number): string {
  const chinese = next() < 0.1;
  const perSentence = chinese ? 80 : 90;
  const answerSentences = Math.max(1, Math.round((targetBytes * 0.75) / perSentence));
  const messages = [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: `${paragraph(next, chinese, 1 + Math.floor(next() * 2))} (#${index})` },
    { role: 'assistant', content: paragraph(next, chinese, answerSentences) },
  ];
  const roll = next();
  if (roll < 0.002) messages[2].content += ' Contact me at someone@gmail.com for details.';
  else if (roll < 0.004) messages[1].content = ` ${messages[1].content}`;
  else if (roll < 0.005) messages[2].content = 'TODO';
  return JSON.stringify({ messages });
}

/** Writes `records` lines averaging ~`bytesPerRecord` bytes; 1% repeat an earlier line exactly. */
export async function writeChatDataset(path: string, records: number, bytesPerRecord: number, seed = 42): Promise<number> {
  const next = random(seed);
  const out = createWriteStream(path);
  const recent: string[] = [];
  let bytes = 0;
  for (let i = 0; i < records; i++) {
    const line = recent.length > 10 && next() < 0.01 ? recent[Math.floor(next() * recent.length)] : chatRecord(next, i, bytesPerRecord * (0.5 + next()));
    if (recent.length < 1000) recent.push(line);
    else recent[i % 1000] = line;
    bytes += Buffer.byteLength(line) + 1;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

export function chatDatasetText(records: number, bytesPerRecord: number, seed = 7): string {
  const next = random(seed);
  return Array.from({ length: records }, (_, i) => chatRecord(next, i, bytesPerRecord)).join('\n');
}
