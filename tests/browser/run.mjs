// Browser checks of the default theme over the example site.
//
// 1. Builds the example site (pinned "today", so the pages are the same on every run).
// 2. The W3C Nu checker (vnu.jar) over every HTML page: no error.
// 3. Headless Chromium over every page of the sitemap, the 404 and the font/contrast modes:
//    axe-core at WCAG 2.1 A and AA finds no violation, no console error, no failed request,
//    no request that leaves the site.
// 4. The preview's error overlay in `pingyi serve`: opaque, an alert dialog read aloud, clean
//    under axe, closed with Esc and opened again, gone once the error is fixed.
// 5. An archived year opened from disk (file://, no server): search from the masthead finds
//    the year's documents in the bundle's own index, and nothing leads off the bundle unmarked.
// 6. With --screenshots, the PNGs of docs/screenshots/ (desktop 1280 and phone 375 wide).
//
// Usage: node run.mjs [--screenshots] [--no-build DIR] [--skip-vnu] [--skip-axe] [--origin URL]
//                     [--only archive]
//
// --only archive: check 5 alone (it archives a copy of the example site itself).
//
// --origin: the site DIR (--no-build) is served elsewhere, at URL (tests/nginx/run.mjs: nginx,
// HTTPS with a certificate of its own, under /rd): one page of every type is checked there,
// with the server's own headers (its Content-Security-Policy) in force, instead of every page
// through this script's server.
// Exit code 0 when every check is clean, 1 otherwise, 2 when a tool is missing.

import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const TODAY = '2026-11-27';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const problems = [];
let checks = 0;
const external = option('--origin');
const only = option('--only');
if (only && only !== 'archive') {
  console.error(`✘ --only ${only}: the one check that runs alone is "archive"`);
  process.exit(2);
}
const problem = (where, what) => {
  problems.push(`${where}: ${what}`);
  console.log(`  ✘ ${where}: ${what}`);
};

// ---------------------------------------------------------------------------------------------
// 1. Build.

let site = option('--no-build');
let tmp;
if (!site && !only) {
  tmp = mkdtempSync(join(tmpdir(), 'pingyi-browser-'));
  site = join(tmp, 'public');
  console.log(`» building the example site into ${site}`);
  const b = spawnSync(
    'cargo',
    ['run', '--release', '--quiet', '--', 'build', '--today', TODAY, '--output', site],
    { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (b.status !== 0) {
    console.error('✘ the example site did not build');
    process.exit(1);
  }
}
if (site) site = resolve(site);

// ---------------------------------------------------------------------------------------------
// 2. The Nu checker, over every page.

function cssFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? cssFiles(p) : e.name.endsWith('.css') ? [p] : [];
  });
}

function vnu() {
  const jar = join(dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
  const css = cssFiles(site);
  console.log(`» W3C Nu checker (vnu.jar) over every HTML page and ${css.length} style sheet(s)`);
  let clean = true;
  for (const what of [['--skip-non-html', site], ['--css', ...css]]) {
    const r = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'gnu', ...what], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (r.error) {
      console.error(`✘ cannot run java: ${r.error.message}`);
      process.exit(2);
    }
    const out = `${r.stdout}${r.stderr}`.trim();
    for (const line of out.split('\n').filter(Boolean)) {
      problem('vnu', line.replaceAll(`file:${site}`, '').replaceAll(site, ''));
      clean = false;
    }
    if (r.status !== 0 && !out) {
      problem('vnu', `exited with ${r.status} without saying why`);
      clean = false;
    }
    checks++;
  }
  if (clean) console.log('  ✔ no error');
}

// ---------------------------------------------------------------------------------------------
// 3. A static server for the built site: what nginx would do, 404.html for what is missing.

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
};

function serve(root) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(readFileSync(join(root, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// Every page of the sitemap, and the 404 as a reader meets it.
function pagesOf(root) {
  const xml = readFileSync(join(root, 'sitemap.xml'), 'utf8');
  const paths = [...xml.matchAll(/<loc>https?:\/\/[^/<]+([^<]*)<\/loc>/g)].map((m) => m[1] || '/');
  return [...paths, '/no-such-page/'];
}

// One page of every page type: the screenshots, and the checks at phone width and in the
// reader's modes.
const SAMPLES = [
  ['home', '/'],
  ['speech', '/2026/speeches/mobilization-speech/'],
  ['notice', '/2026/notices/review-plan/'],
  ['rectification', '/2025/rectifications/transport-round-2/'],
  ['opinion', '/2025/opinions/transport/'],
  ['investigation', '/2025/investigations/housing/'],
  ['call-for-opinions', '/2025/notices/call-for-opinions/'],
  ['review', '/reviews/2025/'],
  ['department', '/departments/transport/'],
  ['tracker', '/rectification-tracker/'],
  ['carried-over', '/rectification-tracker/carried-over/'],
  ['archive', '/archive/2026/'],
  ['list', '/notices/'],
  ['reviews', '/reviews/'],
  ['departments', '/departments/'],
  ['tags', '/tags/'],
  ['tag', '/tags/gong-zuo-ping-yi/'],
  ['page', '/about/'],
  ['sitemap', '/sitemap/'],
  ['404', '/no-such-page/'],
  ['search', '/search/?q=%E8%80%81%E6%97%A7%E5%B0%8F%E5%8C%BA'],
];
const SHOTS = [
  'home', 'speech', 'notice', 'call-for-opinions', 'opinion', 'investigation', 'rectification', 'review',
  'department', 'tracker', 'carried-over', 'archive', 'sitemap', '404',
];
// Shown whole rather than cut at the top: the notice's attachment, the review's vote table,
// the department's chain of rounds.
const WHOLE = ['notice', 'review', 'department'];

async function browse(origin) {
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch {
    console.error('✘ playwright-core is not installed: run `npm ci` in tests/browser');
    process.exit(2);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`✘ no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
    process.exit(2);
  }
  // launch() gives Chromium a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--font-render-hinting=none',
    ],
  });
  if (only === 'archive') {
    await archiveSearch(browser);
    await browser.close();
    return;
  }
  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

  // Visits `path` with a fresh page; returns the page, still open, and what went wrong.
  async function visit(path, { width = 1280, height = 900, prefs = null, js = true } = {}) {
    const context = await browser.newContext({
      viewport: { width, height },
      locale: 'zh-CN',
      javaScriptEnabled: js,
      ignoreHTTPSErrors: !!external,
    });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => {
      if (m.type() !== 'error' && !/Content.Security.Policy/i.test(m.text())) return;
      // The browser reports the 404 page's own status; that is the point of the page.
      if (path === '/no-such-page/' && /status of 404/.test(m.text())) return;
      errors.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`script error: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !(path === '/no-such-page/' && r.url() === origin + path)) {
        errors.push(`HTTP ${r.status()}: ${r.url()}`);
      }
    });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + '/')) return route.continue();
      errors.push(`external request: ${url}`);
      return route.abort();
    });
    if (prefs) {
      await page.goto(origin + '/robots.txt');
      await page.evaluate((p) => {
        localStorage.setItem('pingyi.font', p.font || '');
        localStorage.setItem('pingyi.contrast', p.contrast || '');
      }, prefs);
    }
    await page.goto(origin + path, { waitUntil: 'load' });
    return { page, errors };
  }

  async function axe(page) {
    // Evaluated through the browser's debugging protocol, not as a <script> in the page: a
    // Content-Security-Policy (nginx's, with --origin) forbids inline scripts, and must.
    await page.evaluate(`${axeSource}\n;void 0`);
    return page.evaluate(async () => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations'],
      });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
      }));
    });
  }

  async function check(label, path, opts) {
    const { page, errors } = await visit(path, opts);
    let violations = [];
    // With script off, axe cannot run in the page either: that visit checks the rest.
    if (!flag('--skip-axe') && opts?.js !== false) violations = await axe(page);
    // Text must not spill out of the page at any width (360 px and up).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.context().close();
    const where = `${label} ${path}`;
    for (const e of errors) problem(where, e);
    for (const v of violations) {
      problem(where, `axe ${v.id} (${v.impact}): ${v.help}`);
      for (const n of v.nodes.slice(0, 5)) console.log(`      ${n}`);
    }
    if (overflow > 1) problem(where, `page is ${overflow}px wider than the ${opts?.width || 1280}px window`);
    checks++;
    return errors.length + violations.length + (overflow > 1 ? 1 : 0);
  }

  const pages = external ? SAMPLES.map(([, p]) => p) : pagesOf(site);
  console.log(`» Chromium + axe-core (WCAG 2.1 A, AA) over ${pages.length} pages at 1280 px${external ? ` through ${origin}` : ''}`);
  let bad = 0;
  for (const p of pages) bad += await check('desktop', p);
  if (external) {
    if (!bad) console.log('  ✔ no violation, no console error (none from the Content-Security-Policy), no failed request');
    await browser.close();
    return;
  }
  console.log(`» every page type at 360 px, in high contrast, in large type and without script`);
  for (const [, p] of SAMPLES) {
    bad += await check('phone-360', p, { width: 360, height: 740 });
    bad += await check('high-contrast', p, { prefs: { contrast: 'high' } });
    bad += await check('large+hc-phone', p, { width: 360, height: 740, prefs: { font: 'large', contrast: 'high' } });
    bad += await check('no-script', p, { js: false });
  }
  for (const [, p] of SAMPLES.slice(0, 4)) bad += await check('small-type', p, { prefs: { font: 'small' } });
  if (!bad) console.log('  ✔ no violation, no console error, no failed request, nothing wider than the window');

  // Search: real queries, typed the way a reader types them.
  {
    const results = async (page) => {
      await page.waitForFunction(() => { const t = document.querySelector('[data-status]').textContent; return /找到/.test(t) && !/正在/.test(t); });
      return page.evaluate(() => ({
        status: document.querySelector('[data-status]').textContent,
        links: [...document.querySelectorAll('.search-title a')].map((a) => new URL(a.href).pathname),
        marks: [...document.querySelectorAll('.search-hit mark')].map((m) => m.textContent),
        items: [...document.querySelectorAll('.search-items a')].map((a) => new URL(a.href).hash),
      }));
    };
    const search = async (label, path, expect) => {
      const { page, errors } = await visit(path);
      let r;
      try {
        r = await results(page);
      } catch (e) {
        problem(`search ${label}`, `no results shown: ${e.message}`);
        await page.context().close();
        return;
      }
      for (const e of errors) problem(`search ${label}`, e);
      const why = expect(r, page);
      if (why) problem(`search ${label}`, `${why} (${JSON.stringify(r).slice(0, 300)})`);
      else console.log(`  ✔ search ${label}: ${r.status}`);
      checks++;
      await page.context().close();
    };
    const q = (s, more = '') => `/search/?q=${encodeURIComponent(s)}${more}`;
    await search('老旧小区', q('老旧小区'), (r) =>
      !r.links.includes('/2025/rectifications/housing-round-1/') ? 'the housing report is missing'
        : !r.marks.length || r.marks.some((m) => m !== '老旧小区') ? 'passages are not marked'
          : !r.items.some((h) => /^#item-\d+$/.test(h)) ? 'the matching ledger item is not listed' : null);
    await search('文号', q('〔2025〕21号'), (r) =>
      r.links[0] !== '/2025/notices/review-opinions/' ? 'the notice with that 文号 is not first' : null);
    await search('two terms', q('物业 投诉'), (r) =>
      !r.links.length ? 'nothing found' : null);
    await search('department', q('住房和城乡建设局'), (r) => (r.links.length < 3 ? 'too few results' : null));
    await search('one character', q('梯'), (r) => (!r.links.length ? 'nothing found' : null));
    await search('reversed', q('区小旧老'), (r) => (r.links.length ? 'found text that is not there' : null));
    await search('year filter', q('整改', '&year=2026'), (r) =>
      !r.links.length ? 'nothing found' : r.links.some((l) => !l.startsWith('/2026/') && !l.startsWith('/reviews/2026/')) ? 'a result from another year' : null);
    await search('type filter', q('整改', '&type=speech'), (r) =>
      !r.links.length ? 'nothing found' : r.links.some((l) => !/\/speeches\//.test(l)) ? 'a result of another type' : null);
    // By keyboard from the search box in the masthead of another page.
    {
      const { page, errors } = await visit('/notices/');
      await page.focus('#site-q');
      await page.keyboard.type('满意度测评');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/search\//);
      const r = await results(page);
      for (const e of errors) problem('search keyboard', e);
      const live = await page.evaluate(() => document.querySelector('[data-status]').getAttribute('aria-live'));
      if (!r.links.length || live !== 'polite') problem('search keyboard', `no results, or not announced (${live})`);
      else console.log(`  ✔ search from the masthead by keyboard: ${r.status}`);
      checks++;
      await page.context().close();
    }
  }

  // The reader's choices are remembered from page to page.
  {
    const { page, errors } = await visit('/');
    await page.click('button[data-font="large"]');
    await page.click('button[data-contrast]');
    await page.goto(origin + '/notices/');
    const cls = await page.evaluate(() => document.documentElement.className);
    if (!/\bfont-large\b/.test(cls) || !/\bhigh-contrast\b/.test(cls)) {
      problem('preferences', `not remembered across pages: <html class="${cls}">`);
    } else console.log('  ✔ font size and contrast are remembered across pages');
    checks++;
    for (const e of errors) problem('preferences', e);
    await page.context().close();
  }

  await overlay(browser, axe);
  await archiveSearch(browser);
  if (flag('--screenshots')) await screenshots(browser, origin);
  await browser.close();
}

// `pingyi serve` over a copy of the example site with a broken document: the overlay a web
// editor meets, checked as a reader of it (screen reader, keyboard, eyes) would.
async function overlay(browser, axe) {
  const work = mkdtempSync(join(tmpdir(), 'pingyi-overlay-'));
  for (const f of ['site.yaml', 'content']) cpSync(join(repo, f), join(work, f), { recursive: true });
  const broken = join(work, 'content', '2025', 'notices', 'broken.md');
  const good = '---\ntitle: 临时通知\ntype: notice\ndate: 2025-03-01\nreview: "2025"\n---\n正文。\n';
  writeFileSync(broken, good.replace('date: 2025-03-01', 'date: 2025-02-30').replace('title: ', '标题：'));
  const server = spawn('cargo', ['run', '--release', '--quiet', '--', 'serve', '--root', work, '--port', '0', '--today', TODAY], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const where = 'serve overlay';
  const before = problems.length;
  try {
    const url = await new Promise((ok, fail) => {
      let err = '';
      const timer = setTimeout(() => fail(new Error(`no address from pingyi serve: ${err}`)), 300_000);
      server.stderr.on('data', (d) => {
        err += d;
        const m = /预览地址: (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m) { clearTimeout(timer); ok(m[1]); }
      });
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(url + '/', { waitUntil: 'load' });
    await page.waitForSelector('#pingyi-error', { timeout: 10_000 });
    const seen = await page.evaluate(() => {
      const box = document.getElementById('pingyi-error');
      const r = box.getBoundingClientRect();
      return {
        role: box.getAttribute('role'),
        modal: box.getAttribute('aria-modal'),
        label: document.getElementById(box.getAttribute('aria-labelledby'))?.textContent,
        focused: box.contains(document.activeElement),
        background: getComputedStyle(box).backgroundColor,
        covers: r.left <= 0 && r.top <= 0 && r.width >= innerWidth && r.height >= innerHeight,
        text: document.getElementById('pingyi-error-text').textContent,
      };
    });
    checks++;
    if (seen.role !== 'alertdialog' || seen.modal !== 'true') problem(where, `role ${seen.role}, aria-modal ${seen.modal}`);
    if (seen.label !== '生成失败:改好后会自动刷新') problem(where, `dialog named ${seen.label}`);
    if (!seen.focused) problem(where, 'focus is not in the dialog');
    if (seen.background !== 'rgb(255, 255, 255)') problem(where, `background ${seen.background}, not opaque white`);
    if (!seen.covers) problem(where, 'the dialog does not cover the window');
    for (const part of ['content/2025/notices/broken.md:2:3', '全角冒号', 'content/2025/notices/broken.md:4:7', '2025-02-30']) {
      if (!seen.text.includes(part)) problem(where, `the errors do not say ${part}: ${seen.text}`);
    }
    if (flag('--screenshots')) {
      await page.screenshot({ path: join(repo, 'docs', 'screenshots', 'preview-error-desktop.png') });
    }
    if (!flag('--skip-axe')) {
      for (const v of await axe(page)) problem(where, `axe ${v.id} (${v.impact}): ${v.help} ${v.nodes.slice(0, 3).join('; ')}`);
    }
    await page.keyboard.press('Tab');
    if (!(await page.evaluate(() => document.getElementById('pingyi-error').contains(document.activeElement)))) {
      problem(where, 'Tab leaves the dialog');
    }
    await page.keyboard.press('Escape');
    const closed = await page.evaluate(() => !document.getElementById('pingyi-error') && !!document.getElementById('pingyi-error-badge'));
    if (!closed) problem(where, 'Esc does not close the dialog to a badge');
    await page.click('#pingyi-error-badge');
    if (!(await page.$('#pingyi-error'))) problem(where, 'the badge does not open the errors again');
    // Fixed: the page reloads without the dialog.
    writeFileSync(broken, good);
    await page.waitForSelector('#pingyi-error', { state: 'detached', timeout: 60_000 }).catch(() => problem(where, 'the dialog stays after the fix'));
    await page.waitForSelector('#pingyi-error-badge', { state: 'detached', timeout: 10_000 }).catch(() => problem(where, 'the badge stays after the fix'));
    await context.close();
    if (problems.length === before) console.log('  ✔ serve: the error overlay is an opaque alert dialog, clean under axe, closed with Esc, gone after the fix');
  } catch (e) {
    problem(where, e.message);
  } finally {
    server.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

// The 2025 bundle of a copy of the example site, unpacked and opened from disk as an archivist
// would: a query typed into the masthead's box finds 2025 documents only (动员会 is in the
// title of a 2025 speech and of two 2026 ones), every result opens a page of the bundle, and no
// form or link of the results page leaves the bundle unless marked as going to the live site.
async function archiveSearch(browser) {
  const where = 'archive search';
  const before = problems.length;
  const work = mkdtempSync(join(tmpdir(), 'pingyi-archive-'));
  console.log('» the 2025 archive, unpacked and opened from disk: search from the masthead');
  try {
    for (const f of ['site.yaml', 'content']) cpSync(join(repo, f), join(work, f), { recursive: true });
    const zip = join(work, '2025.zip');
    const dir = join(work, 'bundle');
    const made = spawnSync(
      'cargo',
      ['run', '--release', '--quiet', '--', 'archive', '2025', '--root', work, '--today', TODAY, '--output', zip, '--quiet'],
      { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (made.status !== 0) throw new Error('pingyi archive failed');
    const unzip = spawnSync('unzip', ['-q', zip, '-d', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (unzip.error || unzip.status !== 0) throw new Error(`cannot unzip the bundle: ${unzip.error?.message || unzip.status}`);
    const inside = pathToFileURL(dir).href + '/';
    // A URL of the bundle names a file it holds (what follows ? or # aside).
    const held = (url) => url.startsWith(inside) && existsSync(fileURLToPath(url.split(/[?#]/)[0]));

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`script error: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    let requests = 0;
    page.on('request', (r) => {
      requests++;
      if (!r.url().startsWith(inside)) errors.push(`request outside the bundle: ${r.url()}`);
    });

    await page.goto(inside + 'index.html', { waitUntil: 'load' });
    await page.focus('#site-q');
    await page.keyboard.type('动员会');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.href.startsWith(inside + 'search/index.html?'));
    const status = () => page.waitForFunction(() => {
      const t = document.querySelector('[data-status]').textContent;
      return /找到|失败/.test(t) && !/正在/.test(t);
    });
    const hits = () => page.evaluate(() => [...document.querySelectorAll('.search-title a')].map((a) => ({
      href: a.href, title: a.textContent, outside: a.hasAttribute('data-outside-archive'),
    })));
    await status();
    const r = await hits();
    const said = await page.evaluate(() => document.querySelector('[data-status]').textContent);
    checks++;
    if (!r.length) problem(where, `no results: ${said}`);
    if (!r.some((h) => h.href === inside + '2025/speeches/mobilization-speech/index.html')) {
      problem(where, `the 2025 mobilization speech is not among the results: ${JSON.stringify(r)}`);
    }
    for (const h of r) {
      if (h.outside || !held(h.href)) problem(where, `result ${h.title} leads off the bundle: ${h.href}`);
      if (/2026/.test(h.title) || h.href.includes('/2026/')) problem(where, `a 2026 document among the results: ${h.title}`);
    }

    // Every form of the results page stays in the bundle; every link to the site does too, or
    // is marked as going to the live site. Another site's address (the footer's ICP and 公安
    // records, the contact's mailto) reads the same in the bundle as on the live site; the
    // canonical <link> names where the page lives, and is not a control.
    const live = 'https://rd.example.gov.cn/';
    const controls = await page.evaluate(() => [
      ...[...document.querySelectorAll('a[href], link[href]')].map((e) => [e.tagName, e.outerHTML.slice(0, 120), e.href, e.hasAttribute('data-outside-archive'), e.rel]),
      ...[...document.querySelectorAll('script[src], img[src]')].map((e) => [e.tagName, e.outerHTML.slice(0, 120), e.src, e.hasAttribute('data-outside-archive'), '']),
      ...[...document.querySelectorAll('form')].map((e) => [e.tagName, e.outerHTML.slice(0, 120), e.action, e.hasAttribute('data-outside-archive'), '']),
    ]);
    checks++;
    let forms = 0, marked = 0, others = 0;
    for (const [tag, html, url, outside, rel] of controls) {
      if (tag === 'FORM') forms++;
      if (tag === 'FORM' ? outside || !held(url)
        : outside ? !url.startsWith(live)
          : url.startsWith(live) ? rel !== 'canonical' : url.startsWith('file:') && !held(url)) {
        problem(where, `${html} leads to ${url}`);
      } else if (outside) marked++;
      else if (!url.startsWith(inside) && rel !== 'canonical') others++;
    }
    if (forms !== 2) problem(where, `${forms} forms on the search page, not the masthead's and the page's own`);

    // The search page's own box, and the first result opened.
    await page.fill('#search-q', '老旧小区');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /q=%E8%80%81/.test(location.search));
    await status();
    const again = await hits();
    checks++;
    if (!again.some((h) => h.href.endsWith('/2025/rectifications/housing-round-1/index.html'))) {
      problem(where, `the search page's own box found ${JSON.stringify(again)}`);
    }
    const first = again[0]?.href;
    if (first) {
      await page.click('.search-title a');
      await page.waitForURL(first);
      const h1 = await page.evaluate(() => document.querySelector('h1')?.textContent || '');
      checks++;
      if (h1.trim() !== again[0].title.trim()) problem(where, `the first result opened ${page.url()}, headed ${h1}`);
    }
    for (const e of errors) problem(where, e);
    await context.close();
    await archiveCatalogue(browser, dir, inside);
    if (problems.length === before) {
      console.log(`  ✔ ${r.length} result(s) for 动员会, all 2025 pages of the bundle; the first result opens; ${requests} requests, none outside the bundle`);
      console.log(`  ✔ both search forms stay in the bundle; ${marked} link(s) to the live site, all marked; ${others} to other sites`);
    }
  } catch (e) {
    problem(where, e.message);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// The bundle's 归档文件目录, opened from the start page: a row a 2025 document, each title,
// metadata and source link a file of the bundle, the metadata an XML document; clean under
// vnu and axe, and within the page's width at desktop and phone widths. With --screenshots,
// docs/screenshots/catalogue-*.png.
async function archiveCatalogue(browser, dir, inside) {
  const where = 'archive catalogue';
  const held = (url) => url.startsWith(inside) && existsSync(fileURLToPath(url.split(/[?#]/)[0]));
  if (!flag('--skip-vnu')) {
    const jar = join(dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
    const r = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'gnu', join(dir, 'catalogue', 'index.html')], { encoding: 'utf8' });
    checks++;
    for (const line of `${r.stdout}${r.stderr}`.trim().split('\n').filter(Boolean)) problem(where, `vnu: ${line}`);
  }
  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  for (const [kind, width] of [['desktop', 1280], ['phone', 375]]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`script error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
    await page.goto(inside + 'index.html', { waitUntil: 'load' });
    await page.click('a:has-text("查看归档文件目录")');
    await page.waitForURL(inside + 'catalogue/index.html');
    const rows = await page.evaluate(() => [...document.querySelectorAll('table.catalogue tbody tr')].map((tr) => ({
      code: tr.cells[1].textContent,
      links: [...tr.querySelectorAll('a')].map((a) => a.href),
    })));
    checks++;
    if (rows.length !== 15) problem(where, `${rows.length} rows, not the 15 documents of 2025`);
    for (const r of rows) {
      if (!/^J012-WS·2025-(Y|D30|D10)-\d{4}$/.test(r.code)) problem(where, `档号 ${r.code}`);
      if (r.links.length !== 3) problem(where, `${r.code}: ${r.links.length} links, not title, metadata and source`);
      for (const l of r.links) if (!held(l)) problem(where, `${r.code}: ${l} is not a file of the bundle`);
    }
    // What the page itself logs; axe's own reading of the style sheets, which file:// refuses
    // to a script, is not the page's.
    const logged = errors.splice(0);
    if (!flag('--skip-axe')) {
      await page.evaluate(`${axeSource}\n;void 0`);
      const violations = await page.evaluate(async () => (await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations'],
      })).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
      checks++;
      for (const v of violations) problem(`${where} ${kind}`, `axe ${v}`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) problem(`${where} ${kind}`, `the page is ${overflow}px wider than the window`);
    if (flag('--screenshots')) {
      const file = join(repo, 'docs', 'screenshots', `catalogue-${kind}.png`);
      const height = Math.min(await page.evaluate(() => document.documentElement.scrollHeight), kind === 'phone' ? 2000 : 1500);
      await page.screenshot({ path: file, clip: { x: 0, y: 0, width, height } });
      spawnSync('pngquant', ['--force', '--skip-if-larger', '--quality', '65-90', '--output', file, file]);
      console.log(`  ${file.slice(repo.length + 1)}`);
    }
    if (kind === 'desktop') {
      // A 件's metadata opens as an XML document.
      await page.click('table.catalogue tbody tr:first-child a:has-text("XML")');
      // Chromium shows an XML file in its own viewer page: the document is its text.
      const text = await page.evaluate(() => document.body?.innerText || '');
      checks++;
      if (!text.includes('<电子文件元数据') || !text.includes(rows[0]?.code)) {
        problem(where, `the first metadata link opened ${page.url()}: ${text.slice(0, 120)}`);
      }
    }
    for (const e of logged) problem(`${where} ${kind}`, e);
    await context.close();
  }
  console.log('  ✔ the catalogue: 15 rows, each linking its page, metadata and source in the bundle; vnu and axe at both widths');
}

// Desktop 1280 and phone 375 wide, the top of the page (whole pages are long); some in full
// (`WHOLE`). Compressed with pngquant where it is installed.
async function screenshots(browser, origin) {
  const out = join(repo, 'docs', 'screenshots');
  console.log(`» screenshots into ${out}`);
  const shots = SAMPLES.filter(([n]) => SHOTS.includes(n)).map(([n, p]) => [n, p, null]);
  shots.push(['home-high-contrast', '/', { contrast: 'high', font: 'large' }]);
  for (const [name, path, prefs] of shots) {
    for (const [kind, width, maxHeight] of [['desktop', 1280, 1500], ['phone', 375, 2000]]) {
      if (prefs && kind === 'desktop') continue;
      const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
      const page = await context.newPage();
      if (prefs) {
        await page.goto(origin + '/robots.txt');
        await page.evaluate((p) => {
          localStorage.setItem('pingyi.font', p.font);
          localStorage.setItem('pingyi.contrast', p.contrast);
        }, prefs);
      }
      await page.goto(origin + path, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      const full = await page.evaluate(() => document.documentElement.scrollHeight);
      const height = WHOLE.includes(name) ? full : Math.min(full, maxHeight);
      const file = join(out, `${name}-${kind}.png`);
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width, height } });
      await context.close();
      spawnSync('pngquant', ['--force', '--skip-if-larger', '--quality', '65-90', '--output', file, file]);
      console.log(`  ${file.slice(repo.length + 1)} (${Math.round(statSync(file).size / 1024)} KB)`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

if (!flag('--skip-vnu') && !only) vnu();
const server = external || only ? null : await serve(site);
const origin = external ? external.replace(/\/$/, '') : server ? `http://127.0.0.1:${server.address().port}` : null;
try {
  await browse(origin);
} finally {
  server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

if (problems.length) {
  console.log(`\n✘ ${problems.length} problem(s):`);
  for (const p of problems) console.log(`  - ${p}`);
  console.log(`browser: ${Math.max(checks - problems.length, 0)} passed, ${problems.length} failed`);
  process.exit(1);
}
console.log('\n✔ browser checks clean');
console.log(`browser: ${checks} passed, 0 failed`);
