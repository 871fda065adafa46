'use strict';
// Seed 002, namespace "/chat": rooms, receipts, typing, presence, read
// receipts, heartbeat, sync after reconnect, the 16 KiB limit and errors,
// with the official socket.io-client.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api, sleep } = require('../lib/server');
const { connect, next, noneAfter, connected, connectError } = require('./sio');

let server, alice, bob;
before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0', '--rate-typing-per-minute', '0'] });
  [alice, bob] = await Promise.all([register(server), register(server)]);
});
after(async () => { await server.stop(); });

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function room(owner, type = 'public') {
  const r = await api(server, 'POST', '/api/v1/channels', owner.token, { name: `r${Date.now()}${Math.random()}`.slice(0, 40), type });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

test('every documented way to pass the token works on /chat', async () => {
  for (const how of ['query', 'header', 'cookie', 'auth']) {
    for (const transports of [['websocket'], ['polling']]) {
      const s = connect(server, { nsp: '/chat', token: alice.token, how, transports });
      await connected(s);
      assert.ok(s.id, `${how} over ${transports}`);
      s.close();
    }
  }
  const bad = connect(server, { nsp: '/chat', token: 'garbage', how: 'query', client: { reconnection: false } });
  const e = await connectError(bad);
  assert.equal(e.message, 'Authentication failed');
  bad.close();
});

for (const transports of [['websocket'], undefined]) {
  const label = transports ? 'websocket only' : 'polling then websocket';
  describe(`namespace /chat (${label})`, () => {
    let a, b, roomId;
    before(async () => {
      a = connect(server, { nsp: '/chat', token: alice.token, how: 'query', transports });
      b = connect(server, { nsp: '/chat', token: bob.token, how: 'auth', transports });
      await Promise.all([connected(a), connected(b)]);
      roomId = await room(alice);
    });
    after(() => { a.close(); b.close(); });

    test('joinRoom answers joinedRoom with the room id; others see userJoinedRoom', async () => {
      a.emit('joinRoom', roomId);
      assert.equal(await next(a, 'joinedRoom'), roomId);
      b.emit('joinRoom', roomId);
      assert.equal(await next(b, 'joinedRoom'), roomId);
      const joined = await next(a, 'userJoinedRoom', (d) => d.userId === bob.user.id);
      assert.equal(joined.roomId, roomId);
      assert.match(joined.timestamp, ISO);
    });

    test('sendMessage: messageSent receipt to the sender, newMessage to the room', async () => {
      a.emit('sendMessage', {
        content: 'Hello world!', roomId,
        attachment: { url: 'https://example.com/file.jpg', type: 'image/jpeg', name: 'image.jpg' },
        metadata: { customField: 'value' },
      });
      const receipt = await next(a, 'messageSent');
      assert.equal(typeof receipt.id, 'string');
      assert.match(receipt.timestamp, ISO);
      assert.equal(receipt.status, 'sent');
      const m = await next(b, 'newMessage', (x) => x.id === receipt.id);
      assert.equal(m.content, 'Hello world!');
      assert.equal(m.sender, alice.user.id);
      assert.equal(m.roomId, roomId);
      assert.equal(m.timestamp, receipt.timestamp);
      assert.deepEqual(m.attachment, { url: 'https://example.com/file.jpg', type: 'image/jpeg', name: 'image.jpg' });
      assert.deepEqual(m.metadata, { customField: 'value' });
      assert.ok(!('replyToId' in m));

      const ack = await b.emitWithAck('sendMessage', { content: 'reply', roomId, replyToId: receipt.id });
      assert.equal(ack.ok, true);
      assert.equal(ack.data.status, 'sent');
      const r = await next(a, 'newMessage', (x) => x.id === ack.data.id);
      assert.equal(r.replyToId, receipt.id);
    });

    test('typingIndicator reaches the others as userTyping, not the typist', async () => {
      a.emit('typingIndicator', { roomId, isTyping: true });
      const t = await next(b, 'userTyping', (d) => d.isTyping === true);
      assert.deepEqual([t.userId, t.roomId], [alice.user.id, roomId]);
      a.emit('typingIndicator', { roomId, isTyping: false });
      assert.equal((await next(b, 'userTyping', (d) => d.isTyping === false)).userId, alice.user.id);
      assert.ok(await noneAfter(a, 'userTyping'));
    });

    test('presenceUpdate is broadcast to other users', async () => {
      a.emit('presenceUpdate', { status: 'busy' });
      const p = await next(b, 'presenceUpdate', (d) => d.userId === alice.user.id && d.status === 'busy');
      assert.equal(p.status, 'busy');
      const ack = await a.emitWithAck('presenceUpdate', { status: 'online' });
      assert.equal(ack.ok, true);
      await next(b, 'presenceUpdate', (d) => d.userId === alice.user.id && d.status === 'online');
      const bad = await a.emitWithAck('presenceUpdate', { status: 'sleepy' });
      assert.equal(bad.ok, false);
      assert.equal((await next(a, 'error', (e) => e.event === 'presenceUpdate')).type, 'validation');
    });

    test('readReceipt reaches the room as messageRead', async () => {
      const sent = await a.emitWithAck('sendMessage', { content: 'read me', roomId });
      b.emit('readReceipt', { messageId: sent.data.id, roomId });
      const r = await next(a, 'messageRead', (d) => d.messageId === sent.data.id);
      assert.equal(r.userId, bob.user.id);
      assert.equal(r.roomId, roomId);
    });

    test('heartbeat is acknowledged', async () => {
      const ack = await a.emitWithAck('heartbeat');
      assert.equal(ack.ok, true);
      assert.match(ack.data.timestamp, ISO);
      a.emit('heartbeat'); // without a callback: no error, connection stays
      assert.ok(await noneAfter(a, 'error', (e) => e.event === 'heartbeat'));
      assert.ok(a.connected);
    });

    test('syncMessages sends what came after lastMessageId, then syncComplete', async () => {
      const first = await a.emitWithAck('sendMessage', { content: 's1', roomId });
      const ids = [];
      for (const c of ['s2', 's3', 's4']) ids.push((await a.emitWithAck('sendMessage', { content: c, roomId })).data.id);
      // b's node has the last one (on a cluster it comes from another node), so
      // the sync (what that node has delivered after lastMessageId) covers all three.
      await next(b, 'newMessage', (m) => m.id === ids[2]);
      b.emit('syncMessages', { roomId, lastMessageId: first.data.id });
      const got = [];
      // Each once: b also hears them live (on a cluster, live and synced copies interleave).
      for (let i = 0; i < 3; ++i) got.push(await next(b, 'newMessage', (m) => ids.includes(m.id) && !got.some((g) => g.id === m.id)));
      const done = await next(b, 'syncComplete');
      assert.deepEqual(got.map((m) => m.id), ids);
      assert.equal(done.roomId, roomId);
      assert.equal(done.syncedMessageCount, 3);
      const limited = await b.emitWithAck('syncMessages', { roomId, lastMessageId: first.data.id, limit: 2 });
      assert.equal(limited.data.syncedMessageCount, 2);
    });

    test('the 16 KiB message limit', async () => {
      const ok = await a.emitWithAck('sendMessage', { content: 'x'.repeat(16 * 1024), roomId });
      assert.equal(ok.ok, true);
      const big = await a.emitWithAck('sendMessage', { content: 'x'.repeat(16 * 1024 + 1), roomId });
      assert.equal(big.ok, false);
      assert.equal(big.error.code, 'too_large');
      const err = await next(a, 'error', (e) => e.event === 'sendMessage' && e.code === 'too_large');
      assert.equal(err.type, 'validation');
      const meta = await a.emitWithAck('sendMessage', { content: 'hi', roomId, metadata: { blob: 'y'.repeat(16 * 1024) } });
      assert.equal(meta.error.code, 'too_large');
      assert.ok(a.connected);
    });

    test('errors: unknown room, private room, bad payloads', async () => {
      a.emit('joinRoom', '00000000-0000-0000-0000-000000000000');
      assert.equal((await next(a, 'error', (e) => e.event === 'joinRoom')).code, 'not_found');
      const priv = await room(alice, 'private');
      b.emit('joinRoom', priv);
      const denied = await next(b, 'error', (e) => e.event === 'joinRoom');
      assert.equal(denied.type, 'authorization');
      assert.equal(denied.message, 'Access denied to room');
      b.emit('sendMessage', { content: 'sneak', roomId: priv });
      assert.equal((await next(b, 'error', (e) => e.event === 'sendMessage')).type, 'authorization');
      a.emit('sendMessage', 'not an object');
      assert.equal((await next(a, 'error', (e) => e.event === 'sendMessage')).type, 'validation');
      a.emit('typingIndicator', { roomId, isTyping: 'yes' });
      assert.equal((await next(a, 'error', (e) => e.event === 'typingIndicator')).field, 'isTyping');
      a.emit('joinRoom');
      assert.equal((await next(a, 'error', (e) => e.event === 'joinRoom')).field, 'roomId');
      a.emit('syncMessages', { roomId, limit: 'many' });
      assert.equal((await next(a, 'error', (e) => e.event === 'syncMessages')).field, 'limit');
      a.emit('bogusEvent', 1);
      assert.match((await next(a, 'error', (e) => e.event === 'bogusEvent')).message, /Unknown event/);
    });

    test('leaveRoom answers leftRoom and stops delivery; leaving membership shows userLeftRoom', async () => {
      b.emit('leaveRoom', roomId);
      assert.equal(await next(b, 'leftRoom'), roomId);
      await a.emitWithAck('sendMessage', { content: 'b is gone', roomId });
      assert.ok(await noneAfter(b, 'newMessage', (m) => m.content === 'b is gone'));
      const r = await api(server, 'DELETE', `/api/v1/channels/${roomId}/members/${bob.user.id}`, bob.token);
      assert.equal(r.status, 204, r.text);
      const left = await next(a, 'userLeftRoom', (d) => d.userId === bob.user.id);
      assert.equal(left.roomId, roomId);
    });
  });
}

test('reconnect, rejoin and syncMessages return exactly the missed messages', async () => {
  const roomId = await room(alice);
  const a = connect(server, { nsp: '/chat', token: alice.token, transports: ['websocket'] });
  const b = connect(server, {
    nsp: '/chat', token: bob.token, how: 'query',
    client: { reconnectionDelay: 800, reconnectionDelayMax: 800, randomizationFactor: 0 },
  });
  try {
    await Promise.all([connected(a), connected(b)]);
    await a.emitWithAck('joinRoom', roomId);
    await b.emitWithAck('joinRoom', roomId);
    const seen = await a.emitWithAck('sendMessage', { content: 'before', roomId });
    await next(b, 'newMessage', (m) => m.id === seen.data.id);

    const firstSid = b.id;
    const reconnected = new Promise((resolve) => b.io.once('reconnect', resolve));
    const disconnected = new Promise((resolve) => b.once('disconnect', resolve));
    // The network drops under the client: "transport close", then auto-reconnect.
    b.io.engine.transport.ws.close();
    assert.equal(await disconnected, 'transport close');
    const missed = [];
    for (const c of ['m1', 'm2', 'm3']) missed.push((await a.emitWithAck('sendMessage', { content: c, roomId })).data.id);

    await reconnected;
    await connected(b);
    assert.notEqual(b.id, firstSid);
    await b.emitWithAck('joinRoom', roomId);
    b.events.length = 0;
    b.emit('syncMessages', { roomId, lastMessageId: seen.data.id });
    const done = await next(b, 'syncComplete');
    const synced = b.events.filter((e) => e.name === 'newMessage').map((e) => e.args[0].id);
    assert.deepEqual(synced, missed);
    assert.equal(done.syncedMessageCount, 3);
    assert.equal(done.lastMessageId, missed[2]);

    // Live delivery works again after the rejoin.
    const live = await a.emitWithAck('sendMessage', { content: 'after', roomId });
    await next(b, 'newMessage', (m) => m.id === live.data.id);
  } finally {
    a.close();
    b.close();
  }
});
