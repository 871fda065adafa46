'use strict';
// Every dialect over TLS with its official client, each trusting only the
// test certificate: Socket.IO (both namespaces, polling then websocket),
// Phoenix (WebSocket and LongPoll), flat JSON and workspace JSON (ws), and the
// admin feed.
const test = require('node:test');
const assert = require('node:assert/strict');
const { io } = require('socket.io-client');
const { Socket, LongPoll } = require('phoenix');
const WebSocket = require('ws');
const { JsonSocket } = require('../lib/server.js');
const { startTlsServer, httpsApi, httpsFetch, registerTls } = require('./tlsServer.js');

const ADMIN_TOKEN = 'tls-admin-token-0123456789';
let server;
test.before(async () => { server = await startTlsServer({ args: ['--admin-token', ADMIN_TOKEN] }); });
test.after(async () => { await server.stop(); });

async function generalChannel(token) {
  return (await httpsApi(server, 'GET', '/api/v1/channels', token)).body.channels.find((c) => c.name === 'general');
}

function sio(nsp, token) {
  const s = io(`${server.tlsBase}${nsp}`, { forceNew: true, reconnection: false, ca: server.ca, auth: { token }, timeout: 5000 });
  s.events = [];
  s.onAny((name, ...args) => s.events.push({ name, args }));
  // The engine starts on HTTPS long-polling; 'upgrade' proves it moved to wss.
  s.firstTransport = s.io.engine.transport.name;
  s.upgraded = new Promise((resolve) => s.io.engine.once('upgrade', (t) => resolve(t.name)));
  return s;
}
const connected = (s) => new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
function nextEvent(s, name, pred = () => true) {
  return new Promise((resolve, reject) => {
    const found = () => { const i = s.events.findIndex((e) => e.name === name && pred(e.args[0])); return i >= 0 ? s.events.splice(i, 1)[0].args[0] : undefined; };
    const hit = found();
    if (hit !== undefined) return resolve(hit);
    const timer = setTimeout(() => { s.offAny(on); reject(new Error(`no ${name}; got ${s.events.map((e) => e.name)}`)); }, 5000);
    const on = () => { const h = found(); if (h !== undefined) { clearTimeout(timer); s.offAny(on); resolve(h); } };
    s.onAny(on);
  });
}
async function upgradedToWebSocket(s) {
  assert.equal(s.firstTransport, 'polling', 'starts with HTTPS long-polling');
  assert.equal(await s.upgraded, 'websocket');
  assert.equal(s.io.engine.transport.name, 'websocket');
}

test('Socket.IO "/" (seed 001): polling upgrades to websocket over TLS; messages flow', async () => {
  const a = await registerTls(server), b = await registerTls(server);
  const ch = await generalChannel(a.token);
  const sa = sio('', a.token), sb = sio('', b.token);
  await Promise.all([connected(sa), connected(sb)]);
  await Promise.all([upgradedToWebSocket(sa), upgradedToWebSocket(sb)]);
  assert.equal(sa.io.engine.transport.name, 'websocket');
  sa.emit('join_channel', { channelId: ch.id });
  await nextEvent(sa, 'joined_channel');
  sb.emit('join_channel', { channelId: ch.id });
  await nextEvent(sb, 'joined_channel');
  sa.emit('send_message', { channelId: ch.id, content: 'over tls /' });
  const got = await nextEvent(sb, 'new_message', (m) => m.content === 'over tls /');
  assert.equal(got.userId, a.user.id);
  sa.close(); sb.close();
});

test('Socket.IO "/chat" (seed 002): polling upgrades to websocket over TLS; messages flow', async () => {
  const a = await registerTls(server), b = await registerTls(server);
  const room = await httpsApi(server, 'POST', '/api/v1/channels', a.token, { name: `tlsroom${Date.now()}`, type: 'public' });
  assert.equal(room.status, 201, room.text);
  const sa = sio('/chat', a.token), sb = sio('/chat', b.token);
  await Promise.all([connected(sa), connected(sb)]);
  await Promise.all([upgradedToWebSocket(sa), upgradedToWebSocket(sb)]);
  assert.equal(sb.io.engine.transport.name, 'websocket');
  sa.emit('joinRoom', room.body.id);
  assert.equal(await nextEvent(sa, 'joinedRoom'), room.body.id);
  sb.emit('joinRoom', room.body.id);
  assert.equal(await nextEvent(sb, 'joinedRoom'), room.body.id);
  sa.emit('sendMessage', { content: 'over tls /chat', roomId: room.body.id });
  const m = await nextEvent(sb, 'newMessage', (x) => x.content === 'over tls /chat');
  assert.equal(m.sender, a.user.id);
  sa.close(); sb.close();
});

// phoenix.js long-polls with the global fetch; Node's fetch cannot be given a
// CA, so this one routes it through https.request with the test certificate.
function withTrustingFetch(fn) {
  const original = global.fetch;
  global.fetch = (url, options) => httpsFetch(server.ca, url, options);
  return fn().finally(() => { global.fetch = original; });
}

async function phoenixRoundTrip(transport) {
  const a = await registerTls(server), b = await registerTls(server);
  const ch = await generalChannel(a.token);
  class TrustingWebSocket extends WebSocket {
    constructor(url, protocols) { super(url, protocols, { ca: server.ca }); }
  }
  const open = (token, t) => new Promise((resolve, reject) => {
    const s = new Socket(`${server.wssBase}/socket`, { transport: t, params: { token }, reconnectAfterMs: () => 100000, timeout: 5000 });
    s.onOpen(() => resolve(s));
    s.onError((e) => reject(new Error(`phoenix socket error ${e && e.message}`)));
    s.connect();
  });
  const join = (s) => new Promise((resolve, reject) => {
    const c = s.channel(`channel:${ch.id}`, {});
    c.join().receive('ok', () => resolve(c)).receive('error', reject).receive('timeout', () => reject(new Error('join timeout')));
  });
  const sa = await open(a.token, transport === 'longpoll' ? LongPoll : TrustingWebSocket);
  const sb = await open(b.token, TrustingWebSocket);
  assert.equal(sa.transport, transport === 'longpoll' ? LongPoll : TrustingWebSocket);
  const ca = await join(sa), cb = await join(sb);
  const got = new Promise((resolve) => cb.on('new_message', (p) => { if (p.message.content === `phx ${transport}`) resolve(p); }));
  const sent = await new Promise((resolve, reject) => ca.push('send_message', { content: `phx ${transport}`, temp_id: 't1' })
    .receive('ok', resolve).receive('error', reject).receive('timeout', () => reject(new Error('push timeout'))));
  const p = await got;
  assert.equal(p.message.id, sent.message.id);
  assert.equal(p.message.user.id, a.user.id);
  // And back, so the long-poll side proves it receives too.
  const back = new Promise((resolve) => ca.on('new_message', (x) => { if (x.message.content === 'back') resolve(x); }));
  cb.push('send_message', { content: 'back', temp_id: 't2' });
  assert.equal((await back).message.user.id, b.user.id);
  await new Promise((r) => sa.disconnect(r));
  await new Promise((r) => sb.disconnect(r));
}

test('Phoenix over wss with the official client', () => withTrustingFetch(() => phoenixRoundTrip('websocket')));
test('Phoenix LongPoll over https with the official client', () => withTrustingFetch(() => phoenixRoundTrip('longpoll')));

test('flat JSON /ws and workspace JSON /ws/{id} over wss with ws', async () => {
  const a = await registerTls(server), b = await registerTls(server);
  const ch = await generalChannel(a.token);
  const flat = await JsonSocket.open(`${server.wssBase}/ws?token=${a.token}`, { ca: server.ca });
  await flat.next('connection_established');
  const ws = (await httpsApi(server, 'GET', '/api/v1/workspaces', b.token)).body.workspaces.find((w) => w.is_default);
  const wsj = await JsonSocket.open(`${server.wssBase}/ws/${ws.id}?token=${encodeURIComponent(b.token)}`, { ca: server.ca });
  wsj.send({ type: 'ping' });
  await wsj.next('pong');
  flat.send({ type: 'ping' });
  await flat.next('pong');
  // A message posted over HTTPS reaches both sockets.
  const posted = await httpsApi(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'to both' });
  assert.equal(posted.status, 201, posted.text);
  const seen = (m) => JSON.stringify(m).includes(posted.body.id);
  await flat.next(seen);
  await wsj.next(seen);
  flat.ws.close(); wsj.ws.close();
  assert.equal((await flat.closed).code, 1000);
});

test('the admin feed over wss', async () => {
  const feed = await JsonSocket.open(`${server.wssBase}/admin/ws?token=${ADMIN_TOKEN}`, { ca: server.ca });
  const first = await feed.next((m) => m.type === 'snapshot' || m.type === 'snapshot_part');
  assert.equal(first.protocol, 1);
  const refused = await JsonSocket.open(`${server.wssBase}/admin/ws?token=wrong`, { ca: server.ca }).catch((e) => e);
  assert.equal(refused.statusCode, 401);
  feed.ws.close();
});

test('a wss client that does not trust the certificate is refused', async () => {
  const err = await JsonSocket.open(`${server.wssBase}/ws?token=x`).catch((e) => e);
  assert.match(String(err.code || err.message), /SELF_SIGNED|self[- ]signed/i);
});
