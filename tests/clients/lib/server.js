'use strict';
// Test harness: starts the real switchboard-server binary on a free loopback
// port with a throwaway data dir, and offers small REST and WebSocket helpers.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const WebSocket = require('ws');
const clusterMode = require('./cluster-mode.js');

const ROOT = path.resolve(__dirname, '../../..');
const BINARY = process.env.SWITCHBOARD_SERVER || path.join(ROOT, 'build/bin/switchboard-server');
const JWT_SECRET = 'integration-test-secret-0123456789abcdef';
const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady(base, proc, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}: ${proc.stderrText}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.status === 200) return;
    } catch (_) { /* not listening yet */ }
    await sleep(50);
  }
  throw new Error(`server not ready after ${timeoutMs} ms: ${proc.stderrText}`);
}

// options: { args: [...extra flags], dataDir, port, env }. In cluster mode
// (SWITCHBOARD_TEST_CLUSTER=N, lib/cluster-mode.js) a cluster of N nodes.
function startServer(options = {}) {
  if (clusterMode.enabled()) return clusterMode.startClusterServer(options, startNode);
  return startNode(options);
}

// One switchboard-server process.
async function startNode(options = {}) {
  const port = options.port || await freePort();
  const dataDir = options.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  // options.jwtSecret === null: let the server generate and keep its own secret.
  const secret = options.jwtSecret === null ? [] : ['--jwt-secret', options.jwtSecret || JWT_SECRET];
  const args = ['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, ...secret,
    '--fast-password-hashing', 'true', '--log-level', 'warning', ...(options.args || [])];
  const proc = spawn(BINARY, args, { env: { ...process.env, ...(options.env || {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderrText = '';
  proc.stderr.on('data', (d) => { proc.stderrText += d.toString(); });
  // SWITCHBOARD_SERVER_LOG_DIR: keep every server's stderr, so a sanitizer
  // report from any test can be found after the run (scripts/test-asan.sh).
  if (process.env.SWITCHBOARD_SERVER_LOG_DIR) {
    const log = fs.createWriteStream(path.join(process.env.SWITCHBOARD_SERVER_LOG_DIR, `server-${process.pid}-${proc.pid}.log`));
    proc.stderr.pipe(log);
  }
  proc.stdout.on('data', () => {});
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(base, proc);
  } catch (e) {
    proc.kill('SIGKILL'); // a node that never got ready must not keep the test process alive
    throw e;
  }
  const server = {
    port, dataDir, base, proc, args: options.args || [],
    wsBase: `ws://127.0.0.1:${port}`,
    exited: new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))),
    // The sanitizer report the server printed (ASan, LSan at exit, UBSan), or null.
    sanitizerReport() {
      const m = proc.stderrText.match(SANITIZER_REPORT);
      return m ? proc.stderrText.slice(Math.max(0, m.index - 200), m.index + 6000) : null;
    },
    // Throws if the server printed a sanitizer report (only sanitizer builds do).
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await server.exited;
      }
      const report = server.sanitizerReport();
      if (report) throw new Error(`switchboard-server printed a sanitizer report:\n${report}`);
    },
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await server.exited;
    },
    // A new process on the same port and data dir.
    async restart(extra = {}) {
      await server.stop();
      return startNode({ ...options, ...extra, port, dataDir });
    },
  };
  return server;
}

async function api(server, method, urlPath, token, body, headers = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string' || body instanceof Buffer || body instanceof FormData) payload = body;
    else { payload = JSON.stringify(body); h['Content-Type'] = 'application/json'; }
  }
  const r = await fetch(`${server.base}${urlPath}`, { method, headers: h, body: payload });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
  return { status: r.status, body: json, text, headers: r.headers };
}

// Mints an HS256 JWT (or any header) with node's crypto, for token tests.
function signToken(claims, { secret = JWT_SECRET, header = { alg: 'HS256', typ: 'JWT' }, signature } = {}) {
  const crypto = require('node:crypto');
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64(header)}.${b64(claims)}`;
  const sig = signature !== undefined ? signature : crypto.createHmac('sha256', secret).update(head).digest('base64url');
  return `${head}.${sig}`;
}

let userCounter = 0;
async function register(server, name) {
  const username = name || `user${process.pid}_${++userCounter}`;
  const r = await api(server, 'POST', '/api/v1/auth/register', null, { username, password: 'password123', email: `${username}@example.test` });
  if (r.status !== 201) throw new Error(`register ${username}: ${r.status} ${r.text}`);
  return { token: r.body.access_token, user: r.body.user, username };
}

// A WebSocket client that queues incoming JSON so tests can await the next
// message matching a predicate.
class JsonSocket {
  constructor(url, options = {}) {
    this.url = url;
    this.queue = [];
    this.waiters = [];
    this.ws = new WebSocket(url, options);
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data, isBinary) => {
      let msg;
      try { msg = JSON.parse(data.toString()); } catch (_) { msg = { raw: data, isBinary }; }
      this.queue.push(msg);
      this.flush();
    });
  }
  static async open(url, options) {
    const s = new JsonSocket(url, options);
    await new Promise((resolve, reject) => {
      s.ws.once('open', resolve);
      s.ws.once('error', reject);
      s.ws.once('unexpected-response', (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
    });
    return s;
  }
  flush() {
    for (const w of [...this.waiters]) {
      const i = this.queue.findIndex(w.pred);
      if (i >= 0) {
        const [m] = this.queue.splice(i, 1);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(m);
      }
    }
  }
  next(pred = () => true, timeoutMs = 5000) {
    if (typeof pred === 'string') { const t = pred; pred = (m) => m.type === t; }
    // Where the test waited: a timer's own stack names no test line.
    const waitedAt = new Error().stack.split('\n').slice(2).join('\n');
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        const e = new Error(`timeout waiting for message on ${this.url}; queued: ${JSON.stringify(this.queue).slice(0, 500)}`);
        e.stack = `${e.message}\n    waited at:\n${waitedAt}`;
        reject(e);
      }, timeoutMs);
      this.waiters.push(w);
      this.flush();
    });
  }
  // An ordering barrier instead of a timeout: each of `actors`, then this
  // socket, sends a ping and waits for its pong. The server handles a
  // connection's frames in order, fans events out synchronously, and writes
  // to a connection in order: once the actors' pongs are back, what they sent
  // before has been handled; once ours is back, everything the server wrote
  // to us before it is in our queue. (Flat JSON and workspace JSON both answer
  // {type: 'ping'} with a 'pong'.)
  async settle(...actors) {
    for (const s of [...actors, this]) {
      s.queue = s.queue.filter((m) => m.type !== 'pong'); // a stale pong is no barrier
      s.send({ type: 'ping' });
      await s.next('pong');
    }
  }
  // True if no queued message matches pred once settle(...actors) is done.
  async noneAfter(pred, ...actors) {
    if (typeof pred === 'string') { const t = pred; pred = (m) => m.type === t; }
    await this.settle(...actors);
    return !this.queue.some(pred);
  }
  // Resolves true if no matching message arrives within ms. Only for what no
  // barrier can order (prefer noneAfter).
  async none(pred, ms = 300) {
    if (typeof pred === 'string') { const t = pred; pred = (m) => m.type === t; }
    try { await this.next(pred, ms); return false; } catch (_) { return true; }
  }
  send(obj) { this.ws.send(typeof obj === 'string' || Buffer.isBuffer(obj) ? obj : JSON.stringify(obj)); }
  close() { this.ws.close(); return this.closed; }
}

module.exports = { startServer, startNode, clusterSkip: clusterMode.clusterSkip, clusterNeeds: clusterMode.clusterNeeds, oneNode: clusterMode.oneNode, nodeOf: clusterMode.nodeOf, api, register, JsonSocket, sleep, freePort, signToken, JWT_SECRET, BINARY, ROOT, SANITIZER_REPORT };
