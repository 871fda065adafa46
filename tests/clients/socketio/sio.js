'use strict';
// Helpers for the Socket.IO dialect tests: official-client connections that
// queue every event, and raw Engine.IO access (polling over fetch, WebSocket
// over ws) for what the official client never sends.
const { io } = require('socket.io-client');
const WebSocket = require('ws');
const { oneNode, nodeOf } = require('../lib/server.js');

const RS = '\x1e';

// Connects with the official client. opts: token, nsp ("/" or "/chat"),
// transports, how ('auth' | 'query' | 'header' | 'cookie'), extra client options.
function connect(server, opts = {}) {
  const nsp = opts.nsp && opts.nsp !== '/' ? opts.nsp : '';
  const how = opts.how || 'auth';
  const o = {
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    timeout: 5000,
    ...(opts.client || {}),
  };
  if (opts.transports) o.transports = opts.transports;
  if (opts.token) {
    if (how === 'auth') o.auth = { token: opts.token };
    if (how === 'query') o.query = { token: opts.token };
    if (how === 'header') o.extraHeaders = { Authorization: `Bearer ${opts.token}` };
    if (how === 'cookie') o.extraHeaders = { Cookie: `token=${opts.token}` };
  }
  const socket = io(server.base + nsp, o);
  socket.events = [];
  socket.waiters = [];
  socket.onAny((name, ...args) => {
    // Connection state recovery: the server adds the offset (a string) as the
    // last argument; the client keeps it (socket._lastOffset), handlers that
    // take (data), as the seeds' do, never see it.
    if (socket._pid && args.length > 1 && typeof args[args.length - 1] === 'string') args = args.slice(0, -1);
    socket.events.push({ name, args });
    flush(socket);
  });
  return socket;
}

function flush(socket) {
  for (const w of [...socket.waiters]) {
    const i = socket.events.findIndex((e) => e.name === w.name && w.pred(...e.args));
    if (i >= 0) {
      const [e] = socket.events.splice(i, 1);
      socket.waiters.splice(socket.waiters.indexOf(w), 1);
      clearTimeout(w.timer);
      w.resolve(e.args.length <= 1 ? e.args[0] : e.args);
    }
  }
}

// Resolves with the first argument of the next `name` event matching pred.
function next(socket, name, pred = () => true, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const w = { name, pred, resolve };
    w.timer = setTimeout(() => {
      socket.waiters.splice(socket.waiters.indexOf(w), 1);
      reject(new Error(`timeout waiting for "${name}"; got: ${JSON.stringify(socket.events.map((e) => e.name))}`));
    }, timeoutMs);
    socket.waiters.push(w);
    flush(socket);
  });
}

// An ordering barrier instead of a timeout: each of `actors`, then `socket`,
// does a round trip on its namespace ("/": ping -> pong; "/chat": heartbeat
// with an ack). The server handles a connection's packets in order, fans
// events out synchronously and writes to a connection in order, so once the
// round trips are done, anything the actors' earlier packets caused for
// `socket` is in its queue.
async function settle(socket, ...actors) {
  for (const s of [...actors, socket]) {
    if (s.nsp === '/chat') {
      await s.timeout(5000).emitWithAck('heartbeat');
    } else {
      s.events = s.events.filter((e) => e.name !== 'pong'); // a stale pong is no barrier
      s.emit('ping');
      await next(s, 'pong');
    }
  }
}

// True if no queued `name` event matches pred once settle(socket, ...actors) is done.
async function noneAfter(socket, name, pred = () => true, ...actors) {
  await settle(socket, ...actors);
  return !socket.events.some((e) => e.name === name && pred(...e.args));
}

// Only for what no barrier can order (prefer noneAfter).
async function none(socket, name, pred = () => true, ms = 300) {
  try { await next(socket, name, pred, ms); return false; } catch (_) { return true; }
}

function connected(socket, timeoutMs = 8000) {
  if (socket.connected) return Promise.resolve(socket);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('connect timeout')), timeoutMs);
    socket.once('connect', () => { clearTimeout(t); resolve(socket); });
    socket.once('connect_error', (e) => { clearTimeout(t); reject(e); });
  });
}

function connectError(socket, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no connect_error')), timeoutMs);
    socket.once('connect_error', (e) => { clearTimeout(t); resolve(e); });
    socket.once('connect', () => { clearTimeout(t); reject(new Error('connected unexpectedly')); });
  });
}

async function upgraded(socket, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (socket.io.engine && socket.io.engine.transport.name === 'websocket') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no upgrade to websocket');
}

// ---- raw Engine.IO ---------------------------------------------------------

// Raw sessions go where oneNode (lib/cluster-mode.js) says in cluster mode:
// one fixed node, or HAProxy, which routes each request by the sid's node tag.
function eioUrl(server, params = {}) {
  const q = new URLSearchParams({ EIO: '4', transport: 'polling', ...params });
  return `${oneNode(server).base}/socket.io/?${q}`;
}

async function poll(server, params, init = {}) {
  const r = await fetch(eioUrl(server, params), init);
  return { status: r.status, text: await r.text(), headers: r.headers };
}

// The count of HTTP requests dispatched so far (this /metrics one included) by
// the server, or on a cluster by the node that owns the session `sid`.
async function httpRequestsDispatched(server, sid) {
  const r = await fetch(`${nodeOf(server, sid).base}/metrics`);
  const m = /^switchboard_http_requests_total (\d+)$/m.exec(await r.text());
  if (!m) throw new Error('no switchboard_http_requests_total in /metrics');
  return Number(m[1]);
}

// Sends a GET the server will hold, and resolves with {response} (a promise
// of its answer) once the server has taken it: the router counts a request
// when it dispatches it, and the poll handler holds it in that same pass, so
// any request sent after this resolves arrives after the GET is held. An
// ordering barrier, not a guess at how long the GET takes to get there.
async function heldPoll(server, params, init = {}) {
  const before = await httpRequestsDispatched(server, params.sid);
  const response = poll(server, params, init);
  response.catch(() => {}); // the caller awaits it
  for (let probes = 1; ; ++probes) {
    // Each probe counts itself: the GET is in once the count passes them all.
    if (await httpRequestsDispatched(server, params.sid) >= before + probes + 1) return { response };
    if (probes >= 500) throw new Error('the server never took the GET');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Opens a polling session and returns {sid, open}.
async function pollingHandshake(server, params = {}) {
  const r = await poll(server, params);
  if (r.status !== 200 || r.text[0] !== '0') throw new Error(`handshake: ${r.status} ${r.text}`);
  const open = JSON.parse(r.text.slice(1));
  return { sid: open.sid, open };
}

function post(server, sid, body, params = {}) {
  return poll(server, { sid, ...params }, {
    method: 'POST', body, headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
  });
}

// A raw WebSocket on /socket.io/ that queues text frames.
class RawSocket {
  constructor(url, options) {
    this.frames = [];
    this.waiters = [];
    this.ws = new WebSocket(url, options);
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data, isBinary) => {
      this.frames.push(isBinary ? data : data.toString());
      this.flush();
    });
  }
  static open(server, params = {}, options = {}) {
    const q = new URLSearchParams({ EIO: '4', transport: 'websocket', ...params });
    const s = new RawSocket(`${oneNode(server).wsBase}/socket.io/?${q}`, options);
    return new Promise((resolve, reject) => {
      s.ws.once('open', () => resolve(s));
      s.ws.once('error', reject);
      s.ws.once('unexpected-response', (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
    });
  }
  flush() {
    for (const w of [...this.waiters]) {
      const i = this.frames.findIndex(w.pred);
      if (i >= 0) {
        const [f] = this.frames.splice(i, 1);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(f);
      }
    }
  }
  next(pred = () => true, timeoutMs = 5000) {
    if (typeof pred === 'string') { const prefix = pred; pred = (f) => typeof f === 'string' && f.startsWith(prefix); }
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timeout waiting for frame; queued: ${JSON.stringify(this.frames).slice(0, 400)}`));
      }, timeoutMs);
      this.waiters.push(w);
      this.flush();
    });
  }
  send(frame) { this.ws.send(frame); }
  close() { this.ws.close(); return this.closed; }
}

// Raw WebSocket session through the namespace CONNECT: returns the socket
// with the open packet and the CONNECT reply consumed.
async function rawConnected(server, token, nsp = '/') {
  const s = await RawSocket.open(server);
  const open = JSON.parse((await s.next('0')).slice(1));
  const prefix = nsp === '/' ? '' : `${nsp},`;
  s.send(`40${prefix}${JSON.stringify({ token })}`);
  const reply = await s.next(`40${prefix}`);
  s.open = open;
  s.sioSid = JSON.parse(reply.slice(2 + prefix.length)).sid;
  return s;
}

module.exports = {
  connect, next, none, noneAfter, settle, connected, connectError, upgraded,
  eioUrl, poll, heldPoll, post, pollingHandshake, RawSocket, rawConnected, RS,
};
