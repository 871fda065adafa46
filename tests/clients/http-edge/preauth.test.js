'use strict';
// Connections that have not authenticated yet. Every WebSocket dialect but
// Socket.IO authenticates in the upgrade request (no token: 401, no 101);
// a Socket.IO session authenticates with its CONNECT packet, so until then it
// is capped in number (--max-unauthenticated-connections) and in time
// (--connect-timeout-ms, the pre-auth idle close).
const test = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const { startServer, register } = require('../lib/server.js');

// Two servers: one with a short connect timeout, one with a small cap (and
// the default 45 s timeout, so nothing times out while the cap is tested).
let server, token, timeoutServer;
test.before(async () => {
  server = await startServer({ args: ['--max-unauthenticated-connections', '2'] });
  timeoutServer = await startServer({ args: ['--connect-timeout-ms', '300'] });
  ({ token } = await register(server));
});
test.after(async () => { await server.stop(); await timeoutServer.stop(); });

// An Engine.IO WebSocket: resolves once the server's open packet ("0{...}") is in.
async function engine(srv = server) {
  const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/socket.io/?EIO=4&transport=websocket`);
  ws.messages = [];
  ws.closedWith = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (d) => { ws.messages.push(d.toString()); if (ws.onmsg) ws.onmsg(); });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  ws.next = (pred) => new Promise((resolve) => {
    const check = () => { const m = ws.messages.find(pred); if (m) { ws.onmsg = null; resolve(m); } };
    ws.onmsg = check; check();
  });
  return ws;
}

async function rejections(reason) {
  const m = await (await fetch(`${server.base}/metrics`)).text();
  return Number(new RegExp(`switchboard_http_rejections_total\\{reason="${reason}"\\} (\\d+)`).exec(m)[1]);
}

test('flat JSON, workspace JSON and Phoenix refuse an upgrade without a token (no unauthenticated socket exists)', async () => {
  for (const path of ['/ws', '/socket/websocket?vsn=2.0.0']) {
    const status = await new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`);
      ws.on('unexpected-response', (req, res) => { resolve(res.statusCode); ws.terminate(); });
      ws.on('open', () => { resolve(101); ws.terminate(); });
      ws.on('error', () => {});
    });
    assert.notEqual(status, 101, path);
  }
});

test('a Socket.IO session that never sends CONNECT is closed after the connect timeout', async () => {
  const ws = await engine(timeoutServer);
  await ws.next((m) => m.startsWith('0{'));
  const closed = await ws.closedWith; // the server closes it; the test waits for that, not for a time
  assert.ok(closed.code >= 1000);
  const m = await (await fetch(`${timeoutServer.base}/metrics`)).text();
  assert.equal(/switchboard_http_rejections_total\{reason="connect_timeout"\} (\d+)/.exec(m)[1], '1');
});

test('sessions over the unauthenticated cap are closed at once and counted; CONNECT frees a place', async () => {
  const before = await rejections('unauthenticated');
  // Two sessions hold the two places (each waits in its open state).
  const a = await engine();
  const b = await engine();
  await a.next((m) => m.startsWith('0{'));
  await b.next((m) => m.startsWith('0{'));
  const c = await engine();
  const closed = await c.closedWith;
  assert.equal(closed.code, 1013); // try again later
  assert.equal(await rejections('unauthenticated'), before + 1);

  // a authenticates: its place is free for the next session, which stays open
  // long enough to authenticate too.
  a.send(`40${JSON.stringify({ token })}`);
  await a.next((m) => m.startsWith('40{'));
  const d = await engine();
  await d.next((m) => m.startsWith('0{'));
  d.send(`40${JSON.stringify({ token })}`);
  assert.ok((await d.next((m) => m.startsWith('40') || m.startsWith('44'))).startsWith('40{'));
  for (const ws of [a, b, d]) ws.terminate();
});
