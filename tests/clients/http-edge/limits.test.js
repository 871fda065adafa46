'use strict';
// The HTTP edge's abuse limits against the real server, each configured short
// (300 ms) or small (3 connections) so the server's answer comes quickly. Each
// test waits for the server's answer (its close is the barrier); none asserts
// an upper bound on time. docs/conformance.md lists the defaults.
const test = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const { startServer, register } = require('../lib/server.js');
const { RawHttp } = require('./rawhttp.js');

async function rejections(server, reason) {
  const m = await (await fetch(`${server.base}/metrics`)).text();
  const hit = new RegExp(`switchboard_http_rejections_total\\{reason="${reason}"\\} (\\d+)`).exec(m);
  assert.ok(hit, `no ${reason} counter in /metrics`);
  return Number(hit[1]);
}

test.describe('timeouts', () => {
  let server;
  test.before(async () => {
    server = await startServer({ args: ['--http-header-timeout-ms', '300', '--http-body-timeout-ms', '300'] });
  });
  test.after(async () => { await server.stop(); });

  test('a head that stops half way gets 408 and a close', async () => {
    const before = await rejections(server, 'header_timeout');
    const c = await RawHttp.connect(server.port);
    c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await c.closedByServer();
    assert.equal(c.responses.length, 1);
    assert.equal(c.responses[0].status, 408);
    assert.equal(c.responses[0].json.error.code, 'request_timeout');
    assert.equal(await rejections(server, 'header_timeout'), before + 1);
  });

  test('slowloris: a head trickled a byte at a time is cut at the head timeout, not reset by each byte', async () => {
    const c = await RawHttp.connect(server.port);
    const head = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(10000)}\r\n\r\n`;
    let i = 0;
    const timer = setInterval(() => { if (!c.closed && i < head.length) c.write(head[i++]); }, 20);
    await c.closedByServer();
    clearInterval(timer);
    assert.ok(i < head.length, 'the whole head went through');
    assert.equal(c.responses[0].status, 408);
  });

  test('a body that stops half way gets 408 and a close', async () => {
    const before = await rejections(server, 'body_timeout');
    const c = await RawHttp.connect(server.port);
    c.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user');
    await c.closedByServer();
    assert.equal(c.responses.length, 1);
    assert.equal(c.responses[0].status, 408);
    assert.equal(await rejections(server, 'body_timeout'), before + 1);
  });

  test('a chunked body that stops half way gets 408', async () => {
    const c = await RawHttp.connect(server.port);
    c.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"us');
    await c.closedByServer();
    assert.equal(c.responses[0].status, 408);
  });

  test('handshake timeout: a connection that sends nothing is closed quietly and counted', async () => {
    const before = await rejections(server, 'handshake_timeout');
    const c = await RawHttp.connect(server.port);
    await c.closedByServer();
    assert.equal(c.buf.length, 0); // no response to a request that never came
    assert.equal(await rejections(server, 'handshake_timeout'), before + 1);
  });

  test('handshake timeout: a WebSocket upgrade that never completes gets 408', async () => {
    const c = await RawHttp.connect(server.port);
    c.write('GET /ws?token=x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
    await c.closedByServer();
    assert.equal(c.responses[0].status, 408);
  });

  test('a fast client on the same server is unaffected', async () => {
    const r = await fetch(`${server.base}/healthz`);
    assert.equal(r.status, 200);
  });
});

test.describe('keep-alive idle', () => {
  let server;
  test.before(async () => { server = await startServer({ args: ['--http-keepalive-timeout-ms', '300'] }); });
  test.after(async () => { await server.stop(); });

  test('an idle keep-alive connection is closed after its timeout, without a response', async () => {
    const before = await rejections(server, 'keepalive_idle');
    const c = await RawHttp.connect(server.port);
    c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.response(1);
    await c.closedByServer();
    assert.equal(c.responses.length, 1);
    assert.equal(c.responses[0].status, 200);
    // At least ours: fetch's own pooled connections to this server idle out too.
    assert.ok(await rejections(server, 'keepalive_idle') >= before + 1);
  });
});

test.describe('connections per IP', () => {
  let server;
  test.before(async () => { server = await startServer({ args: ['--max-connections-per-ip', '3'] }); });
  test.after(async () => { await server.stop(); });

  // The capped client is 127.0.0.2, so /metrics and register() (127.0.0.1) are not counted with it.
  const HOST = '127.0.0.2';

  // A new connection's first request, retried while the server has not yet
  // seen an earlier connection's close (the only race here, and bounded).
  async function requestWhenAdmitted() {
    for (let attempt = 0; attempt < 50; ++attempt) {
      const c = await RawHttp.connect(server.port, HOST);
      c.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await c.closedByServer();
      if (c.responses[0] && c.responses[0].status !== 503) return c.responses[0];
      await new Promise((r) => setTimeout(r, 20));
    }
    return { status: 503 };
  }

  test('the fourth connection from one address gets 503; WebSockets count; a freed place is reused', async () => {
    const before = await rejections(server, 'connections_per_ip');
    const { token } = await register(server);
    // Two WebSockets and one idle HTTP connection hold the three places.
    const sockets = [];
    for (let i = 0; i < 2; ++i) {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { localAddress: HOST });
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
      sockets.push(ws);
    }
    const idle = await RawHttp.connect(server.port, HOST);
    idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await idle.response(1); // the server has accepted and counted it

    const c = await RawHttp.connect(server.port, HOST);
    await c.closedByServer();
    assert.equal(c.responses.length, 1);
    assert.equal(c.responses[0].status, 503);
    assert.equal(c.responses[0].json.error.code, 'too_many_connections');
    assert.equal(await rejections(server, 'connections_per_ip'), before + 1);
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200); // another address is not capped

    // Closing a WebSocket frees its place.
    await new Promise((resolve) => { sockets[0].once('close', resolve); sockets[0].close(); });
    const r = await requestWhenAdmitted();
    assert.equal(r.status, 200);
    idle.destroy();
    for (const ws of sockets) ws.terminate();
  });
});
