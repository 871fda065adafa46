'use strict';
// Regression: a command whose commit FAILS after its connection is gone must
// not call back into the freed session. The crash: add_reaction three times
// with one message and emoji, then drop the TCP connection; the duplicates'
// Conflict came back a pass later and ChatService called the dead session's
// callback (heap-use-after-free, a SIGSEGV in the release build).
//
// Each dialect with socket sessions gets bounded rounds of: open, send commands
// whose commits fail or conflict, destroy the socket (no close handshake).
// Then a barrier: a fresh client of every dialect does a full round trip, the
// server process is still running, and it printed no sanitizer report.
//
// SWITCHBOARD_RACE_ROUNDS (default 150) and SWITCHBOARD_RACE_BUDGET_MS
// (default 20000, per dialect) bound each race.
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');

const ROUNDS = Number(process.env.SWITCHBOARD_RACE_ROUNDS || 150);
const BUDGET_MS = Number(process.env.SWITCHBOARD_RACE_BUDGET_MS || 20000);

let server, owner, channelId, workspaceId;

test.before(async () => {
  server = await startServer({
    args: ['--rate-messages-per-minute', '0', '--rate-joins-per-minute', '0', '--rate-typing-per-minute', '0',
      '--max-connections-per-user', '10000'],
  });
  owner = await register(server);
  workspaceId = (await api(server, 'GET', '/api/v1/workspaces', owner.token)).body.workspaces.find((w) => w.is_default).id;
  const c = await api(server, 'POST', '/api/v1/channels', owner.token, { name: 'race', type: 'public' });
  assert.equal(c.status, 201, c.text);
  channelId = c.body.id;
});

test.after(async () => { await server?.stop(); });

// Fails with the server's stderr if the process died or a sanitizer spoke
// (the whole stderr once; later failures point back to it).
let reported = false;
function assertServerHealthy(when) {
  const { proc } = server;
  const report = server.sanitizerReport();
  const dead = proc.exitCode !== null || proc.signalCode !== null;
  if (!report && !dead) return;
  const what = dead ? `server exited with ${proc.exitCode ?? proc.signalCode}` : 'server printed a sanitizer report';
  const detail = reported ? '(its output is in the first failure above)' : (report || proc.stderrText.slice(-4000));
  reported = true;
  assert.fail(`${what} (${when}):\n${detail}`);
}

// A user who is a member of the race channel, and a message there to react to.
async function racer() {
  const u = await register(server);
  const j = await api(server, 'POST', `/api/v1/channels/${channelId}/join`, u.token);
  assert.equal(j.status, 200, j.text);
  return u;
}

async function raceMessage(label) {
  const r = await api(server, 'POST', '/api/v1/messages', owner.token, { channel_id: channelId, content: `race target ${label}` });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

// The reactions of one user on one message, as committed. The user's own
// last reaction is the barrier: commits are answered in order, so when it is
// answered every reaction queued by the race before it is committed too.
// A node answers its own commits in order: on a cluster (lib/cluster-mode.js)
// the barrier goes through every node.
async function reactionsOf(messageId, u) {
  for (const [i, node] of (server.nodes || [server]).entries()) {
    const last = await api(node, 'POST', '/api/v1/messages/reactions', u.token, { message_id: messageId, emoji: `barrier${i || ''}` });
    assert.equal(last.status, 201, last.text);
  }
  const r = await api(server, 'GET', `/api/v1/channels/${channelId}/messages?limit=100`, owner.token);
  assert.equal(r.status, 200, r.text);
  const m = r.body.messages.find((x) => x.id === messageId);
  assert.ok(m, `message ${messageId} in the history`);
  return m.reactions.filter((x) => x.user_id === u.user.id && !/^barrier\d*$/.test(x.emoji)).map((x) => x.emoji);
}

// Bounded in count and time; stops early once the server is gone.
async function rounds(fn) {
  const deadline = Date.now() + BUDGET_MS;
  let n = 0;
  for (; n < ROUNDS && Date.now() < deadline; ++n) {
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) break;
    try {
      await fn(n);
    } catch (e) {
      assertServerHealthy(`in round ${n}`); // a dead server explains the failure better
      throw e;
    }
  }
  return n;
}

// Tears the TCP connection down at once: no close frame, no goodbye.
function destroy(ws) { ws.terminate(); }

// Odd rounds wait for the answer to a ping sent after the commands before
// destroying the socket: the commands were read (their commits are usually
// still queued), so those rounds count for sure. Even rounds destroy at once,
// as the crashing client did; the server may never read their commands.
const confirmed = (i) => i % 2 === 1;
const confirmedRounds = (done) => Math.floor(done / 2);

// Every emoji at most once, and at least one per confirmed round: the first
// add_reaction of a round commits even though its session is gone.
function assertReactions(emojis, done, label) {
  assert.ok(done >= 2, `${label}: only ${done} rounds ran`);
  assert.equal(new Set(emojis).size, emojis.length, `${label}: a duplicate reaction was committed: ${emojis}`);
  assert.ok(emojis.length <= done, `${label}: ${emojis.length} reactions from ${done} rounds`);
  assert.ok(emojis.length >= confirmedRounds(done), `${label}: ${emojis.length} reactions, ${confirmedRounds(done)} confirmed rounds`);
}

test('flat JSON: duplicate add_reaction, then the socket is destroyed', async () => {
  const u = await racer();
  const messageId = await raceMessage('flat');
  const done = await rounds(async (i) => {
    const s = await JsonSocket.open(`${server.wsBase}/ws?token=${u.token}`);
    await s.next('connection_established');
    for (let k = 0; k < 3; ++k) s.send({ type: 'add_reaction', message_id: messageId, emoji: `f${i}` });
    s.send({ type: 'mark_read', message_id: messageId });
    if (confirmed(i)) {
      s.send({ type: 'ping' });
      await s.next('pong');
    }
    destroy(s.ws);
  });
  assertServerHealthy('after the flat JSON race');
  assertReactions(await reactionsOf(messageId, u), done, 'flat JSON');
});

// Workspace JSON has no command that commits (seed 003: ping and typing), so
// its sessions die while another connection's reactions, committed and
// conflicting, are being fanned out to them.
test('workspace JSON: sessions destroyed while conflicting reactions commit and fan out', async () => {
  const u = await racer();
  const messageId = await raceMessage('wsjson');
  const driver = await JsonSocket.open(`${server.wsBase}/ws?token=${u.token}`);
  await driver.next('connection_established');
  const done = await rounds(async (i) => {
    const s = await JsonSocket.open(`${server.wsBase}/ws/${workspaceId}?token=${u.token}`);
    s.send({ type: 'ping' });
    await s.next('pong');
    for (let k = 0; k < 3; ++k) driver.send({ type: 'add_reaction', message_id: messageId, emoji: `w${i}` });
    s.send({ type: 'typing', channel_id: channelId, is_typing: true });
    destroy(s.ws);
    // The two duplicates are refused: the conflict path ran this round.
    for (let k = 0; k < 2; ++k) await driver.next((m) => m.type === 'error' && m.error_code === 'add_reaction_error');
  });
  await driver.close();
  assertServerHealthy('after the workspace JSON race');
  const emojis = await reactionsOf(messageId, u);
  assertReactions(emojis, done, 'workspace JSON');
  assert.equal(emojis.length, done, 'the driver stays connected: every round commits one reaction');
});

test('Socket.IO "/": duplicate add_reaction, then the socket is destroyed', async () => {
  const u = await racer();
  const messageId = await raceMessage('sio');
  const done = await rounds(async (i) => {
    const s = await sio.rawConnected(server, u.token);
    const p = JSON.stringify(['add_reaction', { messageId, emoji: `s${i}`, channelId }]);
    for (let k = 0; k < 3; ++k) s.send(`42${p}`);
    if (confirmed(i)) {
      s.send('42["ping"]');
      await s.next('42["pong"');
    }
    destroy(s.ws);
  });
  assertServerHealthy('after the Socket.IO "/" race');
  assertReactions(await reactionsOf(messageId, u), done, 'Socket.IO /');
});

// One raw HTTP request on a connection opened beforehand, so it leaves in the
// same tick as the WebSocket frames that race it. Resolves with the status.
async function rawHttp() {
  const sock = net.connect(server.port, '127.0.0.1');
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  let text = '';
  sock.on('data', (d) => { text += d.toString(); });
  const ended = new Promise((resolve) => sock.on('close', () => resolve(Number((text.match(/^HTTP\/1\.1 (\d+)/) || [])[1]))));
  return {
    send(method, path, token) {
      sock.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${token}\r\n`
        + 'Content-Length: 0\r\nConnection: close\r\n\r\n');
    },
    ended,
  };
}

// "/chat" has no reaction event; its commit that fails is a joinRoom whose
// channel is deleted before the membership commits (NotFound or a foreign
// key). When the join wins instead, its answer subscribes a session that is
// already closing. The same Engine.IO connection also carries "/", with
// duplicate reactions.
test('Socket.IO "/chat": joinRoom racing a channel delete, duplicates on "/", then the socket is destroyed', async () => {
  const u = await racer();
  const messageId = await raceMessage('chat');
  const done = await rounds(async (i) => {
    const c = await api(server, 'POST', '/api/v1/channels', owner.token, { name: `gone-${i}`, type: 'public' });
    assert.equal(c.status, 201, c.text);
    const s = await sio.rawConnected(server, u.token, '/chat');
    s.send(`40${JSON.stringify({ token: u.token })}`);
    await s.next('40{');
    const http = await rawHttp();
    http.send('DELETE', `/api/v1/channels/${c.body.id}`, owner.token);
    s.send(`42/chat,${JSON.stringify(['joinRoom', c.body.id])}`);
    s.send(`42/chat,${JSON.stringify(['readReceipt', { roomId: channelId, messageId }])}`);
    const p = JSON.stringify(['add_reaction', { messageId, emoji: `c${i}`, channelId }]);
    for (let k = 0; k < 3; ++k) s.send(`42${p}`);
    if (confirmed(i)) {
      s.send('42/chat,7["heartbeat"]');
      await s.next('43/chat,7[');
    }
    destroy(s.ws);
    assert.equal(await http.ended, 204, 'the channel was deleted');
  });
  assertServerHealthy('after the Socket.IO "/chat" race');
  assertReactions(await reactionsOf(messageId, u), done, 'Socket.IO /chat');
});

test('Phoenix WebSocket: duplicate add_reaction on a joined channel, then the socket is destroyed', async () => {
  const u = await racer();
  const messageId = await raceMessage('phoenix');
  const topic = `channel:${channelId}`;
  const done = await rounds(async (i) => {
    const s = await phx.raw(server, `token=${u.token}&vsn=2.0.0`);
    s.send(['1', '1', topic, 'phx_join', {}]);
    const joined = await s.next((m) => Array.isArray(m) && m[1] === '1' && m[3] === 'phx_reply');
    assert.equal(joined[4].status, 'ok', JSON.stringify(joined));
    for (let k = 0; k < 3; ++k) s.send(['1', String(2 + k), topic, 'add_reaction', { message_id: messageId, emoji: `p${i}` }]);
    if (confirmed(i)) {
      s.send([null, 'hb', 'phoenix', 'heartbeat', {}]);
      await s.next((m) => Array.isArray(m) && m[1] === 'hb' && m[3] === 'phx_reply');
    }
    destroy(s.ws);
  });
  assertServerHealthy('after the Phoenix race');
  assertReactions(await reactionsOf(messageId, u), done, 'Phoenix');
});

// The barrier: every dialect still works end to end, so every commit queued
// by the races above has been answered (commits are delivered in order).
test('barrier: a fresh client of every dialect does a full round trip, and the server is alive', async () => {
  const u = await racer();
  const topic = `channel:${channelId}`;
  const open = [];
  try {
    const flat = await JsonSocket.open(`${server.wsBase}/ws?token=${u.token}`);
    open.push(() => flat.close());
    await flat.next('connection_established');
    flat.send({ type: 'send_message', channel_id: channelId, content: 'barrier flat' });
    await flat.next((m) => m.type === 'new_message' && m.data.content === 'barrier flat');

    const wsjson = await JsonSocket.open(`${server.wsBase}/ws/${workspaceId}?token=${u.token}`);
    open.push(() => wsjson.close());
    wsjson.send({ type: 'ping' });
    await wsjson.next('pong');
    const posted = await api(server, 'POST', '/api/v1/messages', u.token, { channel_id: channelId, content: 'barrier wsjson' });
    assert.equal(posted.status, 201, posted.text);
    await wsjson.next((m) => m.type === 'message.new' && m.data.id === posted.body.id);

    const root = sio.connect(server, { token: u.token, transports: ['websocket'] });
    open.push(() => root.close());
    await sio.connected(root);
    await root.emitWithAck('join_channel', { channelId });
    root.emit('send_message', { channelId, content: 'barrier sio' });
    await sio.next(root, 'new_message', (m) => m.content === 'barrier sio');

    const chat = sio.connect(server, { nsp: '/chat', token: u.token, transports: ['websocket'] });
    open.push(() => chat.close());
    await sio.connected(chat);
    await chat.emitWithAck('joinRoom', channelId);
    chat.emit('sendMessage', { roomId: channelId, content: 'barrier chat' });
    await sio.next(chat, 'newMessage', (m) => m.content === 'barrier chat');

    // Phoenix does not echo a push to its sender: the reply and message_sent
    // carry the committed message back.
    const phxSocket = await phx.connect(server, u.token);
    open.push(() => phx.disconnect(phxSocket));
    const viaWs = await phx.join(phxSocket, topic);
    assert.equal(viaWs.status, 'ok');
    const sent = await phx.reply(viaWs.channel.push('send_message', { content: 'barrier phoenix', temp_id: 'b1' }));
    assert.equal(sent.status, 'ok', JSON.stringify(sent));
    assert.equal(sent.response.message.content, 'barrier phoenix');
    await viaWs.inbox.next('message_sent', (p) => p.temp_id === 'b1');

    const lpSocket = await phx.connect(server, u.token, { transport: phx.LongPoll });
    open.push(() => phx.disconnect(lpSocket));
    const viaLp = await phx.join(lpSocket, topic);
    assert.equal(viaLp.status, 'ok');
    const lpSent = await phx.reply(viaLp.channel.push('send_message', { content: 'barrier longpoll', temp_id: 'b2' }));
    assert.equal(lpSent.status, 'ok', JSON.stringify(lpSent));
    await viaLp.inbox.next('message_sent', (p) => p.temp_id === 'b2');
    await viaWs.inbox.next('new_message', (p) => p.message.id === lpSent.response.message.id);
  } finally {
    for (const close of open.reverse()) await close();
  }
  assertServerHealthy('after the barrier');
});
