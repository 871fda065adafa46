'use strict';
// The long-poll transport at /socket/longpoll: by hand on the wire, and with
// the official client's LongPoll (explicitly and as its fallback).
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, oneNode } = require('../lib/server.js');
const { Socket, LongPoll, connect, makeSocket, join, reply, general, disconnect, sleep } = require('./phx.js');

let server;
// A 1.2 s heartbeat timeout holds polls for 200 ms, so the 204 path is quick to see.
test.before(async () => { server = await startServer({ args: ['--heartbeat-timeout-ms', '1200'] }); });
test.after(async () => { await server.stop(); });

// By-hand sessions stay on one node in cluster mode: long-poll sessions are
// node-local until polling is routed across nodes.
async function lp(method, query, body, headers = {}) {
  const r = await fetch(`${oneNode(server).base}/socket/longpoll?${query}`, { method, body, headers });
  assert.equal(r.status, 200, 'long-poll answers are always HTTP 200');
  return { json: await r.json(), headers: r.headers };
}

test('by hand: open with 410 + token, POST an ndjson batch, GET the replies as encoded frames, 204 when idle', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const base = `token=${a.token}&vsn=2.0.0`;
  const open = (await lp('GET', base)).json;
  assert.equal(open.status, 410);
  assert.ok(open.token.length >= 20);
  assert.deepEqual(open.messages, []);
  const q = `${base}&token=${encodeURIComponent(open.token)}`; // the session token comes last
  const batch = [JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]), JSON.stringify(['2', '2', `channel:${ch.id}`, 'phx_join', {}])].join('\n');
  const posted = (await lp('POST', q, batch, { 'Content-Type': 'application/x-ndjson' })).json;
  assert.deepEqual(posted, { status: 200 });
  const got = (await lp('GET', q)).json;
  assert.equal(got.status, 200);
  assert.equal(got.token, open.token);
  const frames = got.messages.map((m) => JSON.parse(m));
  assert.deepEqual(frames[0], [null, '1', 'phoenix', 'phx_reply', { response: {}, status: 'ok' }]);
  assert.equal(frames[1][3], 'phx_reply');
  assert.equal(frames[1][4].response.channel.id, ch.id);
  assert.deepEqual(frames.slice(2).map((f) => f[3]), ['messages_loaded', 'presence_state']);
  const idle = (await lp('GET', q)).json;
  assert.deepEqual(idle, { status: 204, token: open.token, messages: [] });
});

test('by hand: unknown sessions are 410, bad tokens 403, garbage batches 400; binary lines are decoded', async () => {
  const a = await register(server);
  assert.deepEqual((await lp('GET', `token=${a.token}&vsn=2.0.0&token=not-a-session`)).json, { status: 410 });
  assert.deepEqual((await lp('POST', `token=${a.token}&vsn=2.0.0&token=not-a-session`, '[]')).json, { status: 410 });
  assert.deepEqual((await lp('GET', 'token=garbage&vsn=2.0.0')).json, { status: 403 });
  assert.deepEqual((await lp('GET', `token=${a.token}&vsn=9.9.9`)).json, { status: 403 });
  const open = (await lp('GET', `token=${a.token}&vsn=2.0.0`)).json;
  const q = `token=${a.token}&vsn=2.0.0&token=${encodeURIComponent(open.token)}`;
  assert.deepEqual((await lp('POST', q, 'not base64 !!!', { 'Content-Type': 'application/x-ndjson' })).json, { status: 400 });
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  await lp('POST', q, JSON.stringify(['1', '1', topic, 'phx_join', {}]), { 'Content-Type': 'application/x-ndjson' });
  const bin = Buffer.concat([Buffer.from([0, 1, 1, topic.length, 4]), Buffer.from(`12${topic}blob`), Buffer.from([9, 9])]);
  const lines = [bin.toString('base64'), JSON.stringify(['1', '3', topic, 'send_message', 'oops'])].join('\n');
  assert.deepEqual((await lp('POST', q, lines, { 'Content-Type': 'application/x-ndjson' })).json, { status: 200 });
  let frames = [];
  for (let i = 0; i < 5 && !frames.some((f) => f[1] === '3'); ++i) frames = frames.concat((await lp('GET', q)).json.messages.map((m) => JSON.parse(m)));
  assert.equal(frames.find((f) => f[1] === '2')[4].response.reason, 'unsupported');
  assert.equal(frames.find((f) => f[1] === '3')[4].response.error, 'bad_payload');
});

test('by hand: CORS preflight and origin echo for allowed origins only (default: our own)', async () => {
  const own = oneNode(server).base; // the node's own origin: lp() asks that node
  const r = await fetch(`${own}/socket/longpoll`, { method: 'OPTIONS', headers: { Origin: own, 'Access-Control-Request-Headers': 'x-phoenix-authtoken' } });
  assert.ok(r.status === 204 || r.status === 200);
  assert.equal(r.headers.get('access-control-allow-origin'), own);
  assert.match(r.headers.get('access-control-allow-headers'), /X-Phoenix-AuthToken/i);
  const a = await register(server);
  const g = await lp('GET', `token=${a.token}&vsn=2.0.0`, undefined, { Origin: own });
  assert.equal(g.headers.get('access-control-allow-origin'), own);
  const other = await lp('GET', `token=${a.token}&vsn=2.0.0`, undefined, { Origin: 'http://app.example' });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('the official LongPoll transport joins, pushes and receives broadcasts from a WebSocket client', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const lpSocket = await connect(server, a.token, { transport: LongPoll });
  assert.equal(lpSocket.transport, LongPoll);
  const viaLp = await join(lpSocket, topic);
  assert.equal(viaLp.status, 'ok');
  assert.equal(viaLp.response.channel.id, ch.id);
  await viaLp.inbox.next('presence_state');
  const wsSocket = await connect(server, b.token);
  const viaWs = await join(wsSocket, topic);
  const sent = await reply(viaLp.channel.push('send_message', { content: 'from long-poll', temp_id: 'lp1' }));
  assert.equal(sent.status, 'ok');
  await viaLp.inbox.next('message_sent', (x) => x.temp_id === 'lp1');
  const got = await viaWs.inbox.next('new_message', (x) => x.message.id === sent.response.message.id);
  assert.equal(got.message.content, 'from long-poll');
  const back = await reply(viaWs.channel.push('send_message', { content: 'to long-poll', temp_id: 'ws1' }));
  const recv = await viaLp.inbox.next('new_message', (x) => x.message.id === back.response.message.id);
  assert.equal(recv.message.user.id, b.user.id);
  await viaLp.inbox.next('presence_diff', (d) => d.joins[b.user.id]);
  // A burst of pushes (the client batches them into ndjson POSTs) is answered in full.
  const many = await Promise.all(Array.from({ length: 12 }, (_, i) => reply(viaLp.channel.push('typing_stop', { i }))));
  assert.ok(many.every((r) => r.status === 'ok'));
  await disconnect(lpSocket); await disconnect(wsSocket);
});

test('in Node without a WebSocket the client falls back to LongPoll by itself, and longPollFallbackMs works', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const plain = new Socket(`${server.wsBase}/socket`, { params: { token: a.token } }); // no transport given
  assert.equal(plain.transport, LongPoll);
  await new Promise((resolve) => { plain.onOpen(resolve); plain.connect(); });
  assert.equal((await join(plain, `channel:${ch.id}`)).status, 'ok');
  await disconnect(plain);

  // A WebSocket that never connects: the client gives up on it and falls back.
  class DeadWebSocket {
    constructor() { this.readyState = 0; this.timer = setTimeout(() => { this.readyState = 3; if (this.onerror) this.onerror(new Error('refused')); if (this.onclose) this.onclose({ code: 1006, reason: '', wasClean: false }); }, 20); }
    send() {}
    close() { clearTimeout(this.timer); }
  }
  const fallback = makeSocket(server, a.token, { transport: DeadWebSocket, longPollFallbackMs: 200 });
  await new Promise((resolve) => { fallback.onOpen(resolve); fallback.connect(); });
  assert.equal(fallback.transport, LongPoll);
  assert.equal((await join(fallback, `channel:${ch.id}`)).status, 'ok');
  await disconnect(fallback);
});

test('a long-poll session nobody polls expires and leaves presence', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const watcher = await connect(server, b.token);
  const w = await join(watcher, `channel:${ch.id}`);
  const open = (await lp('GET', `token=${a.token}&vsn=2.0.0`)).json;
  const q = `token=${a.token}&vsn=2.0.0&token=${encodeURIComponent(open.token)}`;
  await lp('POST', q, JSON.stringify(['1', '1', `channel:${ch.id}`, 'phx_join', {}]), { 'Content-Type': 'application/x-ndjson' });
  await w.inbox.next('presence_diff', (d) => d.joins[a.user.id]);
  // Stop polling: the session (expiry max(window + 1 s, timeout / 4) = 1.2 s here) ends.
  await w.inbox.next('presence_diff', (d) => d.leaves[a.user.id], 6000);
  assert.deepEqual((await lp('GET', q)).json, { status: 410 });
  await disconnect(watcher);
});
