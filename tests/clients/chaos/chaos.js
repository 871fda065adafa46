'use strict';
// Shared parts of the chaos suites: one client per dialect that writes to a
// channel one message at a time and records every answer (ack or error), and
// receivers that record every message event of the channel in arrival order.
// The writers keep going while the test breaks things underneath them.
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const { api } = require('../lib/server.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');

// How long one request may go unanswered before it counts as a hang.
const ANSWER_MS = 10000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function bounded(promise, ms = ANSWER_MS) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve) => { timer = setTimeout(() => resolve({ ok: false, code: 'no answer', message: `no answer within ${ms} ms` }), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// Polls until check() is truthy or the budget runs out (then fails with what).
async function waitUntil(check, what, budgetMs = 20000, stepMs = 50) {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`gave up waiting (${budgetMs} ms): ${typeof what === 'function' ? what() : what}`);
    await sleep(stepMs);
  }
}

async function readyz(node) {
  try {
    return await api(node, 'GET', '/readyz');
  } catch (e) {
    return { status: 0, body: null, text: String(e) };
  }
}

// A flat JSON connection (ws): a writer, and a receiver of new_message.
// A frame that is not one of ours (message_sent, error) answers nothing: one
// send is in flight at a time, so the next message_sent or error is its answer.
class FlatClient {
  constructor(name, node, token, channelId) {
    Object.assign(this, { name, node, token, channelId, received: [], pending: null, closedEarly: false });
  }
  async open(lastSeq) {
    const ws = new WebSocket(`${this.node.wsBase}/ws?token=${this.token}`);
    this.ws = ws;
    this.waiters = [];
    ws.on('message', (data) => { if (this.ws === ws) this.onFrame(JSON.parse(data.toString())); });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.on('close', () => {
      if (this.ws === ws && this.pending) this.answer({ ok: false, code: 'connection closed', message: 'connection closed' });
      resolve();
    }));
    await this.frame('connection_established');
    const join = { type: 'join_channel', channel_id: this.channelId };
    if (lastSeq !== undefined) join.last_seq = lastSeq;
    this.ws.send(JSON.stringify(join));
    await this.frame('channel_joined');
  }
  frame(type, ms = 10000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${type}`)), ms);
      this.waiters.push({ type, resolve: (f) => { clearTimeout(timer); resolve(f); } });
    });
  }
  onFrame(f) {
    if (f.type === 'new_message' && f.data.channelId === this.channelId) this.received.push({ id: f.data.id, seq: f.seq });
    const w = this.waiters.find((x) => x.type === f.type);
    if (w) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(f); return; }
    if (!this.pending) return;
    if (f.type === 'message_sent') this.answer({ ok: true, id: f.data.id, seq: f.data.seq });
    else if (f.type === 'error') this.answer({ ok: false, code: f.error_code, message: f.message });
  }
  answer(r) { const p = this.pending; this.pending = null; p(r); }
  send(content) {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, code: 'not sent', message: 'not connected' });
    return new Promise((resolve) => {
      this.pending = resolve;
      this.ws.send(JSON.stringify({ type: 'send_message', channel_id: this.channelId, content, client_id: content }));
    });
  }
  // Barrier: a ping's pong comes after everything the server wrote before it.
  async settle() {
    this.ws.send(JSON.stringify({ type: 'ping' }));
    await this.frame('pong');
  }
  // Comes back on another node and resumes from the last event it received.
  async reconnect(node) {
    await this.closed;
    this.node = node;
    const last = this.received.length ? this.received[this.received.length - 1].seq : undefined;
    await this.open(last);
    return last;
  }
  kill() { this.ws.terminate(); }
  close() { this.ws.close(); }
}

// REST only (POST /api/v1/messages); the node may be switched under it.
class RestClient {
  constructor(name, node, token, channelId) {
    Object.assign(this, { name, node, token, channelId, received: null });
  }
  async open() {}
  send(content) { return restSend(this.node, this.token, this.channelId, content); }
  settle() {}
  close() {}
}

// A workspace JSON connection: receives message.new; it sends over REST, as
// the dialect does (docs/api/workspacejson.md).
class WorkspaceClient {
  constructor(name, node, token, channelId, workspaceId) {
    Object.assign(this, { name, node, token, channelId, workspaceId, received: [] });
  }
  async open() {
    this.ws = new WebSocket(`${this.node.wsBase}/ws/${this.workspaceId}?token=${this.token}`);
    this.pongs = [];
    this.ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'message.new' && f.data.channel_id === this.channelId) this.received.push({ id: f.data.id, seq: f.data.seq });
      if (f.type === 'pong') this.pongs.shift()?.();
    });
    this.ws.on('error', () => {});
    await new Promise((resolve, reject) => { this.ws.once('open', resolve); this.ws.once('error', reject); });
    await this.settle();
  }
  settle() {
    return bounded(new Promise((resolve) => { this.pongs.push(resolve); this.ws.send(JSON.stringify({ type: 'ping' })); }), 10000);
  }
  send(content) { return restSend(this.node, this.token, this.channelId, content); }
  kill() { this.ws.terminate(); }
  close() { this.ws.close(); }
}

async function restSend(node, token, channelId, content) {
  return bounded(api(node, 'POST', '/api/v1/messages', token, { channel_id: channelId, content }).then((r) => {
    if (r.status === 201) return { ok: true, id: r.body.id, seq: r.body.seq };
    return { ok: false, status: r.status, code: r.body?.error?.code, message: r.body?.error?.message };
  }, (e) => ({ ok: false, code: 'request failed', message: String(e.cause?.code || e) })));
}

// The official phoenix client on channel:<id>.
class PhoenixClient {
  constructor(name, node, token, channelId) {
    Object.assign(this, { name, node, token, channelId, received: [] });
  }
  async open() {
    this.socket = await phx.connect(this.node, this.token, { reconnectAfterMs: () => 60000 });
    this.channel = this.socket.channel(`channel:${this.channelId}`, {});
    // The sending socket gets message_sent instead of new_message (docs/api/phoenix.md):
    // its own confirmation, not a channel event, so it is kept apart. In a
    // cluster it can come before a lower-seq new_message from another node.
    this.own = [];
    this.channel.on('new_message', (p) => this.received.push({ id: p.message.id, seq: p.seq }));
    this.channel.on('message_sent', (p) => this.own.push({ id: p.message.id, seq: p.message.seq }));
    const joined = await phx.reply(this.channel.join());
    assert.equal(joined.status, 'ok', `${this.name} joined`);
  }
  async send(content) {
    const r = await phx.reply(this.channel.push('send_message', { content, temp_id: content }, ANSWER_MS));
    if (r.status === 'ok') return { ok: true, id: r.response.message.id };
    if (r.status === 'timeout') return { ok: false, code: 'no answer', message: 'push timeout' };
    return { ok: false, code: r.response.reason, message: r.response.message };
  }
  settle() { return phx.settle(this.socket); }
  kill() { this.socket.conn?.terminate?.(); this.socket.disconnect(); }
  close() { this.socket.disconnect(); }
}

// socket.io-client on "/" (send_message) or "/chat" (sendMessage), with acks.
class SocketIoClient {
  constructor(name, node, token, channelId, nsp) {
    Object.assign(this, { name, node, token, channelId, nsp, received: [] });
  }
  async open() {
    this.socket = sio.connect(this.node, { token: this.token, nsp: this.nsp, client: { reconnection: false } });
    const event = this.nsp === '/chat' ? 'newMessage' : 'new_message';
    this.socket.on(event, (m) => {
      if ((m.channelId || m.roomId || m.channel_id) === this.channelId) this.received.push({ id: m.id, seq: m.seq });
    });
    await sio.connected(this.socket);
    const joined = this.nsp === '/chat'
      ? await this.socket.timeout(ANSWER_MS).emitWithAck('joinRoom', this.channelId)
      : await this.socket.timeout(ANSWER_MS).emitWithAck('join_channel', { channelId: this.channelId });
    assert.equal(joined.ok, true, `${this.name} joined: ${JSON.stringify(joined)}`);
    this.socket.events.length = 0; // sio.connect queues every event too: not needed here
  }
  async send(content) {
    const [event, payload] = this.nsp === '/chat'
      ? ['sendMessage', { roomId: this.channelId, content }]
      : ['send_message', { channelId: this.channelId, content }];
    try {
      const ack = await this.socket.timeout(ANSWER_MS).emitWithAck(event, payload);
      this.socket.events.length = 0;
      if (ack.ok) return { ok: true, id: ack.data.id, seq: ack.data.seq };
      return { ok: false, code: ack.error?.code, message: ack.error?.message };
    } catch (e) {
      return { ok: false, code: 'no answer', message: String(e) };
    }
  }
  settle() { return sio.settle(this.socket); }
  kill() { this.socket.io.engine?.close(); this.socket.disconnect(); }
  close() { this.socket.disconnect(); }
}

// Sends in a loop until stop(); records every answer with the phase it was
// sent and answered in (the test moves `clock.phase`).
class WriteLoop {
  constructor(client, prefix, clock, pauseMs = 10) {
    Object.assign(this, { client, prefix, clock, pauseMs, results: [], running: false });
  }
  start() {
    this.running = true;
    this.done = (async () => {
      for (let i = 0; this.running; i++) {
        const content = `${this.prefix} ${i}`;
        const sentIn = this.clock.phase;
        const t0 = Date.now();
        this.inFlight = { content, sentIn };
        const r = await bounded(this.client.send(content));
        this.inFlight = null;
        this.results.push({ ...r, content, writer: this.prefix, sentIn, answeredIn: this.clock.phase, ms: Date.now() - t0 });
        await sleep(this.pauseMs);
      }
    })();
    return this;
  }
  async stop() { this.running = false; await this.done; }
  acked() { return this.results.filter((r) => r.ok); }
  failed() { return this.results.filter((r) => !r.ok); }
  count(pred) { return this.results.filter(pred).length; }
}

// Every message of a channel from the REST history, oldest first.
async function history(node, token, channelId) {
  const all = [];
  let before = null;
  for (;;) {
    const q = `/api/v1/channels/${channelId}/messages?limit=200${before ? `&before=${before}` : ''}`;
    const r = await api(node, 'GET', q, token);
    assert.equal(r.status, 200, `history: ${r.text}`);
    all.unshift(...r.body.messages);
    if (r.body.messages.length < 200) return all;
    before = r.body.messages[0].id;
  }
}

// The common verdict: every acknowledged message is in the history exactly
// once; no failed one is there; each writer's acked messages in send order;
// the history is in seq order.
function checkHistory(hist, loops, prefixOf = (m) => m.content.split(' ')[0]) {
  const writers = new Set(loops.map((l) => l.prefix));
  const ours = hist.filter((m) => writers.has(prefixOf(m)));
  const ids = ours.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, 'no message twice in the history');
  const byId = new Map(ours.map((m) => [m.id, m]));
  const byContent = new Map(ours.map((m) => [m.content, m]));
  for (const l of loops) {
    const acked = l.acked();
    for (const a of acked) assert.ok(byId.has(a.id), `acknowledged ${a.content} (${a.id}) is in the history`);
    for (const f of l.failed()) assert.ok(!byContent.has(f.content), `failed ${f.content} (${f.code}) is not in the history`);
    const pos = acked.map((a) => ours.indexOf(byId.get(a.id)));
    for (let i = 1; i < pos.length; i++) assert.ok(pos[i] > pos[i - 1], `${l.prefix}: acked messages in send order in the history`);
  }
  // Only our writers post meanwhile, and a failed write leaves no hole: +1 steps.
  for (let i = 1; i < ours.length; i++) assert.equal(ours[i].seq, ours[i - 1].seq + 1, `history seq +1 steps at ${ours[i].content}`);
  assert.equal(ours.length, loops.reduce((n, l) => n + l.acked().length, 0), 'the history holds exactly the acknowledged messages');
  return ours;
}

// A receiver that was connected throughout got exactly the acknowledged
// messages, each once, in history order.
function checkReceived(name, received, ours, own = []) {
  const ownIds = new Set(own.map((r) => r.id));
  const all = new Set(ours.map((m) => m.id));
  for (const r of own) assert.ok(all.has(r.id), `${name}: its own confirmed message ${r.id} is in the history`);
  const want = ours.filter((m) => !ownIds.has(m.id)).map((m) => m.id);
  const got = received.map((r) => r.id);
  assert.deepEqual(got, want, `${name} received every acknowledged message once, in order, and nothing else`);
  // Where the dialect shows the seq, it is the history's (itself +1 steps).
  const seqOf = new Map(ours.map((m) => [m.id, m.seq]));
  for (const r of received) if (r.seq !== undefined) assert.equal(r.seq, seqOf.get(r.id), `${name}: seq of ${r.id}`);
}

// Failures whose outcome a client cannot know (the node died with the request
// in flight): such a message may be committed, so it may be in the history
// (once), and then every receiver must have it too.
const UNKNOWN_OUTCOME = new Set(['connection closed', 'request failed', 'no answer']);

// The cluster verdict on the history: each message at most once, seqs +1 steps
// (only our writers post in the channel meanwhile), every acknowledged one
// there, each writer's in send order, and nothing that surely failed.
function checkCommitted(hist, loops) {
  const writers = new Set(loops.map((l) => l.prefix));
  const ours = hist.filter((m) => writers.has(m.content.split(' ')[0]));
  assert.equal(new Set(ours.map((m) => m.id)).size, ours.length, 'no message twice in the history');
  for (let i = 1; i < ours.length; i++) assert.equal(ours[i].seq, ours[i - 1].seq + 1, `history seq +1 steps at ${ours[i].content}`);
  const byId = new Map(ours.map((m) => [m.id, m]));
  const byContent = new Map(ours.map((m) => [m.content, m]));
  const acked = new Set();
  for (const l of loops) {
    const pos = [];
    for (const a of l.acked()) {
      assert.ok(byId.has(a.id), `acknowledged ${a.content} is in the history`);
      acked.add(a.id);
      pos.push(ours.indexOf(byId.get(a.id)));
    }
    for (let i = 1; i < pos.length; i++) assert.ok(pos[i] > pos[i - 1], `${l.prefix}: acked in send order`);
    for (const f of l.failed()) {
      if (!UNKNOWN_OUTCOME.has(f.code)) assert.ok(!byContent.has(f.content), `failed ${f.content} (${f.code}) is not in the history`);
    }
  }
  const unknown = new Set(loops.flatMap((l) => l.failed().filter((f) => UNKNOWN_OUTCOME.has(f.code)).map((f) => f.content)));
  for (const m of ours) assert.ok(acked.has(m.id) || unknown.has(m.content), `${m.content} in the history was acknowledged or in flight`);
  return ours;
}

module.exports = {
  UNKNOWN_OUTCOME, checkCommitted,
  ANSWER_MS, sleep, bounded, waitUntil, readyz, restSend, history, checkHistory, checkReceived,
  FlatClient, RestClient, WorkspaceClient, PhoenixClient, SocketIoClient, WriteLoop,
};
