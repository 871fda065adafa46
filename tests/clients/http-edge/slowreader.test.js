'use strict';
// The slow-reader cut-off (--max-send-queue-bytes, WebSocketSession): a
// client that stops reading is cut off instead of being buffered for
// without bound. The reader pauses its socket; another user posts far more
// than the kernel buffers and the send queue hold; when the reader resumes,
// it finds its connection closed (1008, or dropped if the close frame could
// not be flushed in the close timeout) and only part of the messages.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api, JsonSocket } = require('../lib/server.js');
const { RawWs, OP, frame } = require('../conformance/lib/rawws.js');
const sio = require('../socketio/sio.js');

const metric = async (server, re) => Number(re.exec((await api(server, 'GET', '/metrics')).text)[1]);
const slowReaders = (server) => metric(server, /switchboard_http_rejections_total\{reason="slow_reader"\} (\d+)/);
const queuedBytes = (server) => metric(server, /^switchboard_send_queue_bytes (\d+)/m);

test('a WebSocket client that stops reading is cut off', { timeout: 300000 }, async () => {
  const server = await startServer({ args: ['--max-send-queue-bytes', '65536', '--rate-messages-per-minute', '0'] });
  try {
    const alice = await register(server);
    const bob = await register(server);
    const channel = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general');
    const ws = await RawWs.open(server.port, `/ws?token=${alice.token}`);
    ws.send(frame(OP.TEXT, JSON.stringify({ type: 'join_channel', channel_id: channel.id })));
    await ws.waitFor(() => ws.frames.some((f) => f.opcode === OP.TEXT && f.payload.toString().includes('channel_joined')));
    ws.socket.pause(); // stop reading: the kernel buffers fill, then the server's queue

    const content = 'x'.repeat(16000);
    const posted = 1200; // 19 MB: more than both kernel buffers on loopback (at most ~10 MB) plus 64 KiB
    for (let i = 0; i < posted; ++i) {
      const r = await api(server, 'POST', '/api/v1/messages', bob.token, { channel_id: channel.id, content });
      assert.equal(r.status, 201);
    }
    ws.socket.resume();
    assert.ok(await ws.waitEnd(60000), 'the server closed the connection');
    const received = ws.frames.filter((f) => f.opcode === OP.TEXT && f.payload.toString().includes('"new_message"')).length;
    assert.ok(received < posted, `received ${received} of ${posted}`);
    const close = ws.closeFrame();
    console.log(`received ${received} of ${posted}; close frame: ${close ? close.payload.readUInt16BE(0) : 'none (dropped)'}`);
    if (close) assert.equal(close.payload.readUInt16BE(0), 1008);
    // The server itself is fine, and counted the cut-off.
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
    const m = (await api(server, 'GET', '/metrics')).text;
    assert.equal(/switchboard_http_rejections_total\{reason="slow_reader"\} (\d+)/.exec(m)[1], '1');
  } finally {
    await server.stop();
  }
});

// SendBudget: the per-connection cap alone does not bound the total (thousands
// of slow readers at 4 MB each). Past --max-total-send-queue-bytes the
// connections holding more than 64 KiB are cut off; a reader that keeps up
// holds less and is never the one cut.
test('many slow readers together: the server-wide budget cuts them, a reader that keeps up is untouched', { timeout: 300000 }, async () => {
  const server = await startServer({
    args: ['--max-send-queue-bytes', '16777216', '--max-total-send-queue-bytes', '262144', '--rate-messages-per-minute', '0'],
  });
  try {
    const alice = await register(server);
    const bob = await register(server);
    const channel = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general');
    const stalled = [];
    for (let i = 0; i < 3; ++i) {
      const ws = await RawWs.open(server.port, `/ws?token=${alice.token}`);
      ws.send(frame(OP.TEXT, JSON.stringify({ type: 'join_channel', channel_id: channel.id })));
      await ws.waitFor(() => ws.frames.some((f) => f.opcode === OP.TEXT && f.payload.toString().includes('channel_joined')));
      ws.socket.pause();
      stalled.push(ws);
    }
    const reader = await JsonSocket.open(`${server.wsBase}/ws?token=${bob.token}`);
    await reader.next('connection_established');
    reader.send({ type: 'join_channel', channel_id: channel.id });
    await reader.next('channel_joined');
    assert.equal(await metric(server, /^switchboard_send_queue_bytes_limit (\d+)/m), 262144);

    // Far below each one's own 16 MB cap: only the shared budget can cut them.
    const content = 'y'.repeat(16000);
    const ids = [];
    for (let i = 0; i < 1500 && (await slowReaders(server)) < 3; ++i) {
      const r = await api(server, 'POST', '/api/v1/messages', bob.token, { channel_id: channel.id, content });
      assert.equal(r.status, 201);
      ids.push(r.body.id);
    }
    console.log(`${ids.length} posts of 16 kB until all three were cut`);
    assert.equal(await slowReaders(server), 3);
    // The reader got every message, in order.
    for (const id of ids) assert.equal((await reader.next('new_message', 20000)).data.id, id);
    // What the cut connections held is given back.
    assert.ok((await queuedBytes(server)) <= 262144, `queued ${await queuedBytes(server)}`);
    for (const ws of stalled) {
      ws.socket.resume();
      assert.ok(await ws.waitEnd(60000), 'the server closed the connection');
      const close = ws.closeFrame();
      if (close) {
        assert.equal(close.payload.readUInt16BE(0), 1008);
        assert.match(close.payload.subarray(2).toString(), /server send budget exhausted/);
      }
    }
    await reader.close();
  } finally {
    await server.stop();
  }
});

test('Socket.IO over WebSocket: a client that stops reading is cut off too', { timeout: 300000 }, async () => {
  const server = await startServer({ args: ['--max-send-queue-bytes', '65536', '--rate-messages-per-minute', '0'] });
  try {
    const alice = await register(server);
    const bob = await register(server);
    const channel = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general');
    const s = sio.connect(server, { token: alice.token, transports: ['websocket'] });
    await sio.connected(s);
    s.io.reconnection(false);
    assert.equal((await s.emitWithAck('join_channel', { channelId: channel.id })).ok, true);
    const gone = new Promise((resolve) => s.once('disconnect', resolve));
    s.io.engine.transport.ws._socket.pause();
    const content = 'z'.repeat(16000);
    let posted = 0;
    for (; posted < 1500 && (await slowReaders(server)) < 1; ++posted)
      assert.equal((await api(server, 'POST', '/api/v1/messages', bob.token, { channel_id: channel.id, content })).status, 201);
    console.log(`cut off after ${posted} posts of 16 kB`);
    assert.equal(await slowReaders(server), 1);
    s.io.engine.transport.ws._socket.resume();
    assert.equal(await gone, 'transport close');
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
  } finally {
    await server.stop();
  }
});
