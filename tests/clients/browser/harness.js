'use strict';
// Real-browser harness: Debian's headless Chromium, driven by puppeteer-core,
// loads pages from a small static server on its own loopback port, so every
// page is cross-origin to the chat server (as in a deployment with CORS). The
// pages run the official clients' browser bundles from node_modules.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const puppeteer = require('puppeteer-core');
const { BINARY } = require('../lib/server.js');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const NODE_MODULES = path.join(__dirname, '..', 'node_modules');
// Screenshots and console logs of failed cases land here (printed on failure).
const ARTIFACTS = process.env.SWITCHBOARD_BROWSER_ARTIFACTS || path.join(__dirname, 'artifacts');

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>switchboard browser test</title>
<script src="/socket.io.js"></script>
<script src="/phoenix.js"></script>
<script src="/page.js"></script>
</head><body><h1>switchboard browser test</h1><pre id="log"></pre></body></html>
`;

const FILES = {
  '/': { type: 'text/html; charset=utf-8', body: () => PAGE },
  '/socket.io.js': { type: 'text/javascript', file: 'socket.io-client/dist/socket.io.js' },
  '/phoenix.js': { type: 'text/javascript', file: 'phoenix/priv/static/phoenix.js' },
  '/page.js': { type: 'text/javascript', path: path.join(__dirname, 'page.js') },
  '/favicon.ico': { type: 'image/x-icon', body: () => '' }, // no 404 in the console logs
};

// Serves the test page and the client bundles on 127.0.0.1:<free port>.
// Resolves with {origin, close()}.
function startStaticServer() {
  const srv = http.createServer((req, res) => {
    const entry = FILES[new URL(req.url, 'http://x').pathname];
    if (!entry) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const body = entry.body ? entry.body() : fs.readFileSync(entry.path || path.join(NODE_MODULES, entry.file));
    res.writeHead(200, { 'Content-Type': entry.type, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${srv.address().port}`;
      resolve({ origin, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }) });
    });
  });
}

// The name of the flag that restricts origins: --allowed-origins, or its old
// name --cors-origins on servers that predate it. `enforced` tells whether the
// server has the new flag (cookie and credentialed requests from other origins
// refused).
function originFlag() {
  let help = '';
  try {
    help = execFileSync(BINARY, ['--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    help = `${e.stdout || ''}${e.stderr || ''}`;
  }
  if (help.includes('--allowed-origins')) return { flag: '--allowed-origins', enforced: true };
  return { flag: '--cors-origins', enforced: false };
}

async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (scripts/setup.sh does), or set CHROMIUM_PATH`);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true, // Chromium's new headless mode (--headless=new)
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

// One browser per test file; each test opens its pages in a fresh browser
// context (own cookies), and on failure every page of the test is saved.
class BrowserRun {
  constructor(browser) {
    this.browser = browser;
    this.pages = [];
    this.contexts = [];
  }

  static async launch() {
    return new BrowserRun(await launchBrowser());
  }

  // Opens origin's test page in a new context. options.cookies: cookies to
  // set first (e.g. {url: chat server base, name: 'token', value}).
  async open(origin, label, options = {}) {
    const context = await this.browser.createBrowserContext();
    this.contexts.push(context);
    const page = await context.newPage();
    page.label = label;
    page.consoleLog = [];
    const log = (line) => page.consoleLog.push(`${new Date().toISOString()} ${line}`);
    page.on('console', (m) => log(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log(`[pageerror] ${e.message}`));
    page.on('requestfailed', (r) => log(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    // Every HTTP answer the page got, for assertions on CORS headers.
    page.responses = [];
    page.on('response', (r) => page.responses.push({ url: r.url(), method: r.request().method(), status: r.status(), headers: r.headers() }));
    this.pages.push(page);
    if (options.cookies) await page.setCookie(...options.cookies);
    const res = await page.goto(`${origin}/`);
    if (!res.ok()) throw new Error(`${origin}/ answered ${res.status()}`);
    return page;
  }

  // Runs fn; if it throws, saves a screenshot and the console log of every
  // page the test opened and names the files in the error. Closes the pages.
  async run(testName, fn) {
    try {
      await fn();
    } catch (err) {
      const saved = await this.saveArtifacts(testName).catch((e) => [`(could not save artifacts: ${e.message})`]);
      err.message += `\nbrowser artifacts (screenshot + console log per page):\n  ${saved.join('\n  ')}`;
      console.error(`browser artifacts for "${testName}":\n  ${saved.join('\n  ')}`);
      throw err;
    } finally {
      const contexts = this.contexts;
      this.pages = [];
      this.contexts = [];
      await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    }
  }

  async saveArtifacts(testName) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const stem = testName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
    const saved = [];
    for (const [i, page] of this.pages.entries()) {
      const base = path.join(ARTIFACTS, `${stem}-${i}-${page.label}`);
      const pageLog = await page.evaluate(() => JSON.stringify(window.received || [], null, 1)).catch(() => '(page gone)');
      fs.writeFileSync(`${base}.console.txt`, `${page.url()}\n\n${page.consoleLog.join('\n')}\n\nwindow.received:\n${pageLog}\n`);
      saved.push(`${base}.console.txt`);
      try {
        await page.screenshot({ path: `${base}.png`, fullPage: true });
        saved.push(`${base}.png`);
      } catch (e) {
        saved.push(`(no screenshot for ${page.label}: ${e.message})`);
      }
    }
    return saved;
  }

  close() {
    return this.browser.close();
  }
}

// In-page helpers (page.js): take(tag, name, match) resolves with the data of
// the first event recorded under tag with that name whose fields equal match.
function take(page, tag, name, match = {}) {
  return page.evaluate((t, n, m) => window.take(t, n, m), tag, name, match);
}

module.exports = { startStaticServer, launchBrowser, BrowserRun, originFlag, take, ARTIFACTS };
