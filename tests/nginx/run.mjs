// deploy/nginx.conf and deploy/nginx-subpath.conf, started on Debian's nginx as an office's IT
// person would start them, and checked as a reader's browser meets the site.
//
// 1. Builds the example site twice, with precompressed copies: at the root of its domain, and
//    under /rd/ (base_url https://www.example.gov.cn/rd/).
// 2. Makes a self-signed certificate, fills the files' placeholders (root, certificate, ports
//    on 127.0.0.1) and nothing else, and runs `nginx -t`, then nginx.
// 3. For a page, a stylesheet, a script, the feed, the sitemap, open data (CSV and JSON), an
//    attachment, a dot file and a missing page, at the root and under /rd/: the status, the
//    type, the security headers on every response, the cache policy, the precompressed bodies
//    (gzip and brotli) and HTTP/2.
// 4. The browser checks (tests/browser/run.mjs --origin) through nginx under /rd/: the theme's
//    pages clean under axe and the Content-Security-Policy, no failed request.
//
// Usage: node tests/nginx/run.mjs [--skip-browser]. Needs nginx (with the brotli_static module
// where installed) and openssl; .ci/run installs them. Exit 0 when every check passes.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const TODAY = '2026-11-27';
const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const problems = [];
let checks = 0;
const check = (where, ok, what) => {
  checks++;
  if (!ok) {
    problems.push(`${where}: ${what}`);
    console.log(`  ✘ ${where}: ${what}`);
  }
};

if (!existsSync(NGINX)) {
  console.error(`✘ no nginx at ${NGINX} (apt-get install nginx libnginx-mod-http-brotli-static, or set NGINX)`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// 1. Two builds of the example site.

const work = mkdtempSync(join(tmpdir(), 'pingyi-nginx-'));
const build = (baseUrl, output) => {
  const site = join(work, `site-${output.split('/').at(-1)}`);
  cpSync(join(repo, 'content'), join(site, 'content'), { recursive: true });
  const yaml = readFileSync(join(repo, 'site.yaml'), 'utf8').replace(/^base_url: .*$/m, `base_url: ${baseUrl}`);
  writeFileSync(join(site, 'site.yaml'), `${yaml}precompress: [gzip, brotli]\n`);
  const b = spawnSync('cargo', ['run', '--release', '--quiet', '--', 'build', '--root', site, '--today', TODAY, '--output', output], {
    cwd: repo,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (b.status !== 0) {
    console.error(`✘ the example site did not build for ${baseUrl}`);
    process.exit(1);
  }
};
console.log('» building the example site at / and under /rd/, with .gz and .br copies');
build('https://rd.example.gov.cn/', join(work, 'public'));
build('https://www.example.gov.cn/rd/', join(work, 'www', 'rd'));
mkdirSync(join(work, 'portal'));
writeFileSync(join(work, 'portal', 'index.html'), '<!doctype html><title>门户</title>');

// ---------------------------------------------------------------------------------------------
// 2. Certificate, configuration, nginx.

execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
  '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem')], { stdio: 'ignore' });

const freePort = () => new Promise((ok) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

// The shipped file with only what an installer fills in changed: listen addresses, root,
// certificate. Anything else the test needed would be a difference from what offices run.
async function fill(file, root) {
  const [http, https] = [await freePort(), await freePort()];
  let text = readFileSync(join(repo, 'deploy', file), 'utf8')
    .replace(/^\s*listen \[::\]:\d+.*\n/gm, '')
    .replace(/listen 80;/, `listen 127.0.0.1:${http};`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${https} ssl http2;`)
    .replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${join(work, 'cert.pem')};`)
    .replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${join(work, 'key.pem')};`)
    .replace(/root \/var\/www\/pingyi\/public;/, `root ${root};`)
    .replace(/root \/var\/www\/pingyi;/, `root ${root};`)
    .replace(/root \/var\/www\/portal;/, `root ${join(work, 'portal')};`);
  const brotli = existsSync('/etc/nginx/modules-enabled') &&
    readdirSync('/etc/nginx/modules-enabled').some((f) => f.includes('brotli-static'));
  if (!brotli) text = text.replace(/^\s*brotli_static on;\n/gm, '');
  return { text, http, https, brotli };
}

const root = await fill('nginx.conf', join(work, 'public'));
const sub = await fill('nginx-subpath.conf', join(work, 'www'));
// The two files declare the same map: each runs in an nginx of its own, as an office uses one.
const main = (name, site) => {
  const dir = join(work, name);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'site.conf'), site.text);
  writeFileSync(join(dir, 'nginx.conf'), `
include /etc/nginx/modules-enabled/*.conf;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')};
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${join(dir, 'tmp')};
  proxy_temp_path ${join(dir, 'tmp')};
  fastcgi_temp_path ${join(dir, 'tmp')};
  uwsgi_temp_path ${join(dir, 'tmp')};
  scgi_temp_path ${join(dir, 'tmp')};
  include ${join(dir, 'site.conf')};
}
`);
  return join(dir, 'nginx.conf');
};
const confs = [main('root', root), main('sub', sub)];
// nginx's workers run as another user: everything it serves must be readable by anyone.
spawnSync('chmod', ['-R', 'a+rX', work]);
chmodSync(work, 0o755);

const servers = [];
try {
  for (const conf of confs) {
    const t = spawnSync(NGINX, ['-t', '-c', conf], { encoding: 'utf8' });
    check(`nginx -t ${conf}`, t.status === 0, t.stderr);
    if (t.status !== 0) throw new Error('nginx -t failed');
    servers.push(spawn(NGINX, ['-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  await new Promise((ok) => setTimeout(ok, 500));
  console.log(`» nginx ${spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim().split('/')[1]}, brotli_static ${root.brotli ? 'on' : 'not installed'}`);
  await responses('/', root);
  await responses('/rd/', sub);
  if (!process.argv.includes('--skip-browser')) {
    console.log('» the browser checks through nginx, under /rd/');
    const b = spawnSync('node', [join(repo, 'tests', 'browser', 'run.mjs'), '--no-build', join(work, 'www', 'rd'),
      '--origin', `https://127.0.0.1:${sub.https}/rd`, '--skip-vnu'], { stdio: 'inherit' });
    check('browser checks through nginx', b.status === 0, `exit ${b.status}`);
  }
} catch (e) {
  check('nginx', false, e.message);
} finally {
  for (const s of servers) s.kill();
  for (const conf of confs) {
    const log = join(dirname(conf), 'error.log');
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const bad = text.split('\n').filter((l) => /\[(emerg|alert|crit|error)\]/.test(l) && !/No such file|is not found/.test(l));
    check(`${conf} error log`, bad.length === 0, bad.join('\n'));
  }
  rmSync(work, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// 3. What nginx answers.

function get(port, path, headers = {}) {
  return new Promise((ok, fail) => {
    const r = request({ host: '127.0.0.1', port, path, headers, rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    r.on('error', fail);
    r.end();
  });
}

function plainGet(port, path) {
  return new Promise((ok, fail) => {
    const r = plainRequest({ host: '127.0.0.1', port, path }, (res) => { res.resume(); ok(res); });
    r.on('error', fail);
    r.end();
  });
}

async function responses(prefix, site) {
  const at = (p) => `${prefix}${p}`.replace('//', '/');
  const home = await get(site.https, prefix);
  const html = home.body.toString();
  const css = /href="([^"]*site\.css\?v=[0-9a-f]+)"/.exec(html)?.[1];
  const js = /src="([^"]*site\.js\?v=[0-9a-f]+)"/.exec(html)?.[1];
  const pdf = readdirSync(join(work, prefix === '/' ? 'public' : join('www', 'rd'), '2026', 'notices', 'review-plan'))
    .find((f) => f.endsWith('.pdf'));
  const cases = [
    ['page', prefix, 200, 'text/html; charset=utf-8', 'no-cache'],
    ['stylesheet', css, 200, 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['script', js, 200, 'application/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['feed', at('feed.xml'), 200, 'application/atom+xml; charset=utf-8', 'no-cache'],
    ['sitemap', at('sitemap.xml'), 200, 'text/xml; charset=utf-8', 'no-cache'],
    ['open data CSV', at('data/2025/items.csv'), 200, 'text/csv; charset=utf-8', 'no-cache'],
    ['open data JSON', at('data/2025/items.json'), 200, 'application/json; charset=utf-8', 'no-cache'],
    ['attachment', at(`2026/notices/review-plan/${pdf}`), 200, 'application/pdf', 'no-cache'],
    ['missing page', at('no-such-page/'), 404, 'text/html; charset=utf-8', 'no-cache'],
    ['pingyi marker', at('.pingyi-manifest'), 404, 'text/html; charset=utf-8', 'no-cache'],
    ['favicon', at('favicon.ico'), 200, 'image/x-icon', 'no-cache'],
  ];
  const headers = {
    'content-security-policy': /default-src 'self'; script-src 'self'; style-src 'self'/,
    'strict-transport-security': /^max-age=31536000$/,
    'referrer-policy': /^strict-origin-when-cross-origin$/,
    'x-content-type-options': /^nosniff$/,
    'permissions-policy': /camera=\(\)/,
  };
  for (const [what, path, status, type, cache] of cases) {
    const where = `${prefix} ${what} ${path}`;
    if (!path) { check(where, false, 'not linked from the home page'); continue; }
    const r = await get(site.https, path);
    check(where, r.status === status, `status ${r.status}, not ${status}`);
    check(where, r.headers['content-type'] === type, `type ${r.headers['content-type']}, not ${type}`);
    check(where, r.headers['cache-control'] === cache, `cache-control ${r.headers['cache-control']}, not ${cache}`);
    for (const [name, want] of Object.entries(headers)) {
      check(where, want.test(r.headers[name] || ''), `${name}: ${r.headers[name]}`);
    }
    if (status === 404) {
      const body = r.body.toString();
      check(where, body.includes('<html') && body.includes('页面未找到') && body.includes(`action="${prefix === '/' ? '' : '/rd'}/search/"`),
        'not the site\'s own 404 page, with its links under the prefix');
    }
  }
  // Precompressed: the .gz and .br pingyi wrote, each read back as the page.
  for (const [encoding, unpack] of [['gzip', gunzipSync], ['br', brotliDecompressSync]]) {
    if (encoding === 'br' && !site.brotli) continue;
    for (const path of [prefix, css, at('feed.xml'), at('data/2025/items.csv')]) {
      const r = await get(site.https, path, { 'accept-encoding': encoding });
      const plain = await get(site.https, path);
      const where = `${prefix} ${encoding} ${path}`;
      check(where, r.headers['content-encoding'] === encoding, `content-encoding ${r.headers['content-encoding']}`);
      check(where, r.headers.vary === 'Accept-Encoding', `vary ${r.headers.vary}`);
      check(where, r.headers['content-encoding'] === encoding && unpack(r.body).equals(plain.body), 'does not read back as the file');
    }
  }
  // HTTP/2, negotiated as a browser negotiates it.
  const h2 = await new Promise((ok) => {
    const c = connect(`https://127.0.0.1:${site.https}`, { rejectUnauthorized: false });
    c.on('error', (e) => ok(e.message));
    const s = c.request({ ':path': prefix });
    s.on('response', (h) => { ok(h[':status']); c.close(); });
    s.on('error', (e) => ok(e.message));
    s.end();
  });
  check(`${prefix} HTTP/2`, h2 === 200, `${h2}`);
  // http:// goes to https://.
  const redirect = await plainGet(site.http, prefix);
  check(`${prefix} http://`, redirect.statusCode === 301 && /^https:\/\//.test(redirect.headers.location || ''),
    `${redirect.statusCode} ${redirect.headers.location}`);
  console.log(`  ${problems.length ? '…' : '✔'} ${prefix}: statuses, types, security headers, cache policy, .gz${site.brotli ? ' and .br' : ''}, HTTP/2, https redirect`);
}

if (problems.length) {
  console.log(`\n✘ ${problems.length} problem(s):`);
  for (const p of problems) console.log(`  - ${p}`);
  console.log(`nginx: ${checks - problems.length} passed, ${problems.length} failed`);
  process.exit(1);
}
console.log(`\n✔ nginx checks clean\nnginx: ${checks} passed, 0 failed`);
