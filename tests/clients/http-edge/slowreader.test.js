'use strict';
// The slow-reader cut-off (--max-send-queue-bytes, WebSocketSession): a
// client that stops reading is cut off instead of being buffered for
// without bound. The reader pauses its socket; another user posts far more
// than the kernel buffers and the send queue hold; when the reader resumes,
// it finds its connection closed (1008, or dropped if the close frame could
// not be flushed in the close timeout) and only part of the messages.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api } = require('../lib/server.js');
const { RawWs, OP, frame } = require('../conformance/lib/rawws.js');

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
