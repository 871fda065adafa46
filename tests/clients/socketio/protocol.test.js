'use strict';
// Socket.IO v5 rules the server enforces (socket.io-protocol v5): namespaces,
// CONNECT first, acks, binary packets, and garbage at the Socket.IO layer.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { io } = require('socket.io-client');
const { startServer, register, sleep } = require('../lib/server');
const { connect, next, connected, connectError, RawSocket, rawConnected, pollingHandshake, poll, post, RS } = require('./sio');

let server, alice;
before(async () => {
  server = await startServer();
  alice = await register(server);
});
after(async () => { await server.stop(); });

const closedWithin = (s, ms = 2000) => Promise.race([s.closed, sleep(ms).then(() => null)]);

test('an unknown namespace gets CONNECT_ERROR "Invalid namespace", the connection stays', async () => {
  const s = await rawConnected(server, alice.token);
  s.send('40/nope,{}');
  assert.equal(await s.next('44/nope,'), '44/nope,{"message":"Invalid namespace"}');
  s.send('42["ping"]');
  assert.match(await s.next('42["pong"'), /timestamp/);
  await s.close();

  const c = connect(server, { nsp: '/admin', token: alice.token, client: { reconnection: false } });
  assert.equal((await connectError(c)).message, 'Invalid namespace');
  c.close();
});

test('CONNECT reply carries a Socket.IO sid distinct from the Engine.IO sid, and a private pid (recovery)', async () => {
  const s = await rawConnected(server, alice.token, '/chat');
  assert.equal(typeof s.sioSid, 'string');
  assert.notEqual(s.sioSid, s.open.sid);
  await s.close();
  const raw = await RawSocket.open(server);
  await raw.next('0');
  raw.send(`40${JSON.stringify({ token: alice.token })}`);
  const reply = JSON.parse((await raw.next('40')).slice(2));
  assert.deepEqual(Object.keys(reply).sort(), ['pid', 'sid']);
  assert.equal(typeof reply.pid, 'string');
  assert.notEqual(reply.pid, reply.sid);
  await raw.close();
});

test('both namespaces on one Engine.IO connection (one Manager)', async () => {
  const root = io(server.base, { forceNew: true, auth: { token: alice.token }, transports: ['websocket'] });
  const chat = root.io.socket('/chat', { auth: { token: alice.token } });
  await Promise.all([connected(root), connected(chat)]);
  assert.notEqual(root.id, chat.id);
  const pong = new Promise((resolve) => root.once('pong', resolve));
  root.emit('ping');
  await pong;
  const ack = await chat.emitWithAck('heartbeat');
  assert.equal(ack.ok, true);
  chat.disconnect(); // DISCONNECT "/chat" only
  // Barrier: a root round trip sent after it on the same connection.
  const after = new Promise((resolve, reject) => {
    root.once('pong', resolve);
    root.once('disconnect', (why) => reject(new Error(`root disconnected: ${why}`)));
  });
  root.emit('ping');
  await after;
  assert.ok(root.connected);
  root.close();
});

test('acks carry the client\'s ack id back, per namespace', async () => {
  const s = await rawConnected(server, alice.token);
  s.send('4217["ping"]');
  assert.match(await s.next('4317['), /^4317\[\{"data":\{"timestamp":"[^"]+"\},"ok":true\}\]$/);
  s.send('40/chat,{"token":"' + alice.token + '"}');
  await s.next('40/chat,');
  s.send('42/chat,99["heartbeat"]');
  assert.match(await s.next('43/chat,99['), /"ok":true/);
  await s.close();
});

test('events before CONNECT, or for a namespace never connected, close the connection', async () => {
  const s = await RawSocket.open(server);
  await s.next('0');
  s.send('42["ping"]');
  assert.ok(await closedWithin(s), 'event before CONNECT was accepted');

  const t = await rawConnected(server, alice.token);
  t.send('42/chat,["joinRoom","x"]');
  assert.ok(await closedWithin(t), 'event for an unconnected namespace was accepted');

  const u = await rawConnected(server, alice.token);
  u.send(`40${JSON.stringify({ token: alice.token })}`);
  assert.ok(await closedWithin(u), 'second CONNECT to the same namespace was accepted');
});

test('garbage Socket.IO packets close the connection', async () => {
  const garbage = [
    '4', '4x', '49', '42', '42{"a":1}', '42"str"', '42[]', '42[1]', '42["disconnect"]', '42["a"', '42["a"]]',
    '42/chat[', '42/ch at,["a"]', '4299999999999999999["a"]', '43["no id"]', '451-["a"]', '45x-["a"]',
    '4511-["a"]', '41{}', '44{"message":"client cannot send this"}', '40[]',
  ];
  for (const g of garbage) {
    const s = await rawConnected(server, alice.token);
    s.send(g);
    assert.ok(await closedWithin(s), `connection survived ${JSON.stringify(g)}`);
  }
  // Invalid UTF-8 can only come through polling (WebSocket text is validated).
  const { sid } = await pollingHandshake(server);
  await fetch(`${server.base}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
    method: 'POST', body: Buffer.from([0x34, 0x32, 0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]),
  });
  const after = await poll(server, { sid });
  assert.ok(after.status === 400 || after.text.split(RS).includes('1'), `invalid UTF-8 kept the session: ${after.status} ${after.text}`);
});

test('binary events are parsed and refused with a clear error (websocket and polling)', async () => {
  for (const transports of [['websocket'], ['polling']]) {
    const s = connect(server, { token: alice.token, transports });
    await connected(s);
    const ack = await s.emitWithAck('send_message', { channelId: 'x', content: 'bin', file: Buffer.from([1, 2, 3]) });
    assert.equal(ack.ok, false);
    assert.match(ack.error.message, /Binary attachments are not supported/);
    const err = await next(s, 'error', (e) => e.event === 'send_message');
    assert.match(err.message, /Binary attachments are not supported/);
    // The stream stays in sync: the next plain event works.
    const pong = await s.emitWithAck('ping');
    assert.equal(pong.ok, true);
    s.close();
  }
  // Raw: attachments announced but text arrives instead -> protocol error.
  const r = await rawConnected(server, alice.token);
  r.send('451-["x",{"_placeholder":true,"num":0}]');
  r.send('42["ping"]');
  assert.ok(await closedWithin(r), 'text in place of an attachment was accepted');
  // Raw: binary frame nobody announced.
  const q = await rawConnected(server, alice.token);
  q.send(Buffer.from([1, 2, 3]));
  assert.ok(await closedWithin(q), 'unannounced binary frame was accepted');
});

test('a WebSocket frame above maxPayload closes the connection', async () => {
  const s = await rawConnected(server, alice.token);
  s.send('42["ping","' + 'x'.repeat(1000001) + '"]');
  const closed = await closedWithin(s, 3000);
  assert.ok(closed, 'oversized frame was accepted');
  // 1009 when the close frame reaches the client before the TCP reset of the
  // unsent rest of its 1 MiB frame, 1006 when the reset wins; either way the
  // server refused the frame and closed this socket only.
  assert.ok([1009, 1006].includes(closed.code), `closed with ${closed.code}`);
});


test('server shutdown closes with 1001 and clients reconnect to the restarted server', async () => {
  let s = await startServer();
  const user = await register(s);
  const raw = await rawConnected(s, user.token);
  const client = connect(s, { token: user.token, transports: ['websocket'] });
  await connected(client);
  const reason = new Promise((resolve) => client.once('disconnect', resolve));
  // Listen before restarting: the client may be back before restart() returns.
  const reconnected = reason.then(() => new Promise((resolve) => client.once('connect', resolve)));
  s = await s.restart();
  try {
    assert.equal((await raw.closed).code, 1001);
    assert.equal(await reason, 'transport close'); // not "io server disconnect": it reconnects
    await reconnected;
    const pong = await client.emitWithAck('ping');
    assert.equal(pong.ok, true);
  } finally {
    client.close();
    await s.stop();
  }
});
