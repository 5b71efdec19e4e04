// The search page's own script (themes/default/static/assets/search.js) over the index of a
// generated corpus, read from disk as the browser would fetch it:
//
// - recall: 500 random substrings of 2 to 6 Chinese characters, each taken from a document,
//   find that document;
// - precision: 300 pairs of characters that stand apart in a document, and nowhere side by
//   side in it, do not return it; nor do 200 queries of three characters whose two bigrams
//   the document holds only apart.
//
// Usage: node search_recall.mjs [--pages N] [--no-build DIR]   (exit 0 clean, 1 otherwise)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const pages = Number(option('--pages') || 1000);

let out = option('--no-build');
let tmp;
if (!out) {
  tmp = mkdtempSync(join(tmpdir(), 'pingyi-recall-'));
  const site = join(tmp, 'site');
  out = join(tmp, 'public');
  console.log(`» generating ${pages} documents and building them into ${out}`);
  const run = (cmd, a) => {
    const r = spawnSync(cmd, a, { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      console.error(`✘ ${cmd} ${a.join(' ')} failed`);
      process.exit(1);
    }
  };
  run('cargo', ['run', '--release', '--quiet', '--example', 'gen_corpus', '--', '--pages', String(pages), '--out', site]);
  run('cargo', ['run', '--release', '--quiet', '--', 'build', '--quiet', '--root', site, '--today', '2026-11-27', '--output', out]);
}

const S = require(join(repo, 'themes/default/static/assets/search.js'));
const index = new S.Index((path) => Promise.resolve(readFileSync(join(out, path))));
const docs = readdirSync(join(out, 'search/docs')).length;
const doc = (id) => JSON.parse(readFileSync(join(out, 'search/docs', `${id}.json`), 'utf8'));

// Everything the page checks a query against, as one folded string per field.
const fields = (d) => [d.title, d.doc_number || '', ...(d.departments || []), d.speaker || '', d.text,
  ...(d.items || []).flatMap((i) => [i.id, i.problem, i.measures, i.responsible, ...(i.notes || [])])];

// What the page shows for `q`: candidates from the index, checked as the page checks them.
async function results(q) {
  const r = await index.query(q, []);
  const shown = [];
  for (const id of r.ids) {
    if (r.exact || S.matches(await index.doc(id), r.terms)) shown.push(id);
  }
  return shown;
}

let seed = 0x2545f491;
const rand = (n) => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const han = (c) => c >= '\u3400' && c <= '\u9fff';
const problems = [];

let tried = 0;
while (tried < 500) {
  const id = rand(docs);
  const d = doc(id);
  const field = rand(4) === 0 ? d.title : d.text;
  const len = 2 + rand(5);
  if (field.length <= len) continue;
  const start = rand(field.length - len);
  const q = field.slice(start, start + len);
  if (![...q].every(han)) continue;
  tried++;
  if (!(await results(q)).includes(id)) problems.push(`recall: “${q}” (document ${id}) not found`);
}
console.log(`  ${500 - problems.length} of 500 substrings found their document`);

let pairs = 0, wrong = 0;
while (pairs < 300) {
  const id = rand(docs);
  const d = doc(id);
  const text = d.text;
  if (text.length < 10) continue;
  const i = rand(text.length - 3), j = i + 2 + rand(Math.min(20, text.length - i - 2));
  const q = text[i] + text[j];
  if (!han(text[i]) || !han(text[j])) continue;
  // Only pairs the document does not also hold side by side somewhere.
  if (fields(d).some((f) => S.fold(f).includes(S.fold(q)))) continue;
  pairs++;
  if ((await results(q)).includes(id)) {
    wrong++;
    problems.push(`precision: “${q}” returned document ${id}, where the two stand apart`);
  }
}
console.log(`  ${300 - wrong} of 300 pairs of characters standing apart did not return their document`);

// Three characters whose two bigrams the document holds, but not one after the other
// (一段 and 段简 in it, 一段简 not): every code of the query matches, the text does not.
let triples = 0, tries = 0;
wrong = 0;
while (triples < 200 && tries < 200000) {
  tries++;
  const id = rand(docs);
  const text = doc(id).text;
  if (text.length < 10) continue;
  const i = rand(text.length - 2);
  const b = text[i + 1];
  const j = text.indexOf(b, i + 2);
  if (j < 0 || j + 1 >= text.length) continue;
  const q = text[i] + b + text[j + 1];
  if (![...q].every(han)) continue;
  if (fields(doc(id)).some((f) => S.fold(f).includes(q))) continue;
  triples++;
  if ((await results(q)).includes(id)) {
    wrong++;
    problems.push(`precision: “${q}” returned document ${id}, which has its bigrams only apart`);
  }
}
console.log(`  ${triples - wrong} of ${triples} queries whose bigrams stand apart did not return their document`);
if (triples < 100) problems.push(`only ${triples} such queries found`);

if (tmp) rmSync(tmp, { recursive: true, force: true });
if (problems.length) {
  for (const p of problems.slice(0, 20)) console.log(`  ✘ ${p}`);
  console.log(`search recall: ✘ ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('search recall: ✔ clean');
