// Search on a generated site, measured in headless Chromium: the index's size on disk, the
// bytes a query downloads (besides the page and its script), and the time from pressing
// 搜索 to the results on screen.
//
//     cargo run --release --example gen_corpus -- --pages 10000 --out /dev/shm/s
//     cargo run --release -- build --root /dev/shm/s --today 2026-11-27 --output /dev/shm/s/public
//     node benches/search.mjs /dev/shm/s/public
//
// Needs the browser tests' packages (`npm ci` in tests/browser) and Chromium.

import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');
const site = resolve(process.argv[2] || '/dev/shm/pingyi-bench/out-10000');

const size = (dir) => readdirSync(dir, { withFileTypes: true })
  .reduce((n, e) => n + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
const index = size(join(site, 'search/index')) + statSync(join(site, 'search/facets.bin')).size
  + statSync(join(site, 'search/meta.json')).size;
const docs = size(join(site, 'search/docs'));
console.log(`index on disk: ${mb(index)} (${readdirSync(join(site, 'search/index')).length} shards), documents: ${mb(docs)}`);

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const server = createServer((req, res) => {
  let p = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (p.endsWith('/')) p += 'index.html';
  try {
    const body = readFileSync(join(site, p));
    res.writeHead(200, { 'content-type': types[extname(p)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

// Queries as readers type them: phrases of the corpus, a department, a number, two terms,
// one character, and phrases taken at random from documents.
const queries = ['老旧小区', '整改', '市住房和城乡建设局', '2024', '物业 投诉', '梯', '满意度测评', '加装电梯'];
const sample = JSON.parse(readFileSync(join(site, 'search/docs/17.json'), 'utf8')).text;
for (let at = 0, i = 0; i < 8 && at < sample.length; at += 97) {
  const q = sample.slice(at, at + 2 + (i % 5));
  if (/^[\u3400-\u9fff]+$/.test(q)) { queries.push(q); i++; }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const rows = [];
for (const q of queries) {
  // A fresh page each time: every query pays for its own downloads, as a first query does.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(origin + '/search/', { waitUntil: 'load' });
  await page.waitForFunction(() => !document.querySelector('[data-filters]').hidden);
  const before = await page.evaluate(() => performance.getEntriesByType('resource').length);
  await page.fill('#search-q', q);
  const t0 = await page.evaluate(() => performance.now());
  await page.press('#search-q', 'Enter');
  // Results on screen: the first one shown, or the page saying there is none.
  await page.waitForFunction(() => document.querySelector('.search-hit')
    || /没有找到/.test(document.querySelector('[data-status]').textContent));
  // Measured by the page itself, from the query's start to its first result shown.
  const ms = await page.evaluate(() => {
    const at = (n) => performance.getEntriesByName(n).at(-1)?.startTime;
    return (at('pingyi-search-first') ?? at('pingyi-search-done') ?? NaN) - at('pingyi-search-start');
  });
  await page.waitForFunction(() => /找到/.test(document.querySelector('[data-status]').textContent)
    && !/正在/.test(document.querySelector('[data-status]').textContent));
  const r = await page.evaluate(([b]) => ({
    all: performance.getEntriesByName('pingyi-search-done').at(-1).startTime
      - performance.getEntriesByName('pingyi-search-start').at(-1).startTime,
    status: document.querySelector('[data-status]').textContent,
    bytes: performance.getEntriesByType('resource').slice(b)
      .filter((e) => e.name.includes('/search/')).reduce((n, e) => n + e.encodedBodySize, 0),
    meta: performance.getEntriesByType('resource').slice(0, b)
      .filter((e) => /search\/meta\.json/.test(e.name)).reduce((n, e) => n + e.encodedBodySize, 0),
  }), [before, t0]);
  rows.push({ q, ms, ...r });
  await context.close();
}
await browser.close();
server.close();

console.log('| query | results | downloaded (with meta.json) | first result on screen | whole first page |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.q} | ${r.status.replace(/[。，].*$/, '')} | ${Math.round((r.bytes + r.meta) / 1024)} KB | ${Math.round(r.ms)} ms | ${Math.round(r.all)} ms |`);
}
const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
const kb = rows.map((r) => (r.bytes + r.meta) / 1024).sort((a, b) => a - b);
console.log(`median ${Math.round(ms[ms.length >> 1])} ms, max ${Math.round(ms[ms.length - 1])} ms; median ${Math.round(kb[kb.length >> 1])} KB, max ${Math.round(kb[kb.length - 1])} KB`);
