'use strict';
// Seed 002's cookie (`token=JWT`) through the official client, and who may
// use it: --allowed-origins (default: the server's own origin). The cookie is
// ambient, so from any other origin the Engine.IO request carrying it (polling
// or WebSocket upgrade) is refused with 403; a token the page passes itself
// (query, auth) and clients that send no Origin are unaffected. Namespace "/"
// (seed 001) never takes the cookie.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, oneNode } = require('../lib/server.js');
const { connect, connected, connectError, poll, RawSocket } = require('./sio.js');

const APP = 'http://127.0.0.1:5173';
const OTHER = 'http://127.0.0.1:5174';
let server, alice;
test.before(async () => {
  server = await startServer({ args: ['--allowed-origins', APP] });
  alice = await register(server);
});
test.after(async () => { await server.stop(); });

const withCookie = (origin, token = alice.token) => ({ extraHeaders: { ...(origin ? { Origin: origin } : {}), Cookie: `token=${token}` } });

for (const transports of [['websocket'], ['polling']]) {
  test(`/chat with the cookie from an allowed origin connects as its user (${transports})`, async () => {
    const s = connect(server, { nsp: '/chat', transports, client: withCookie(APP) });
    await connected(s);
    // A round trip on the authenticated session: it is live, not just opened.
    const ack = await s.timeout(5000).emitWithAck('heartbeat');
    assert.ok(ack !== undefined);
    s.close();
  });

  test(`/chat with the cookie from another origin is refused before it authenticates (${transports})`, async () => {
    const s = connect(server, { nsp: '/chat', transports, client: { ...withCookie(OTHER), reconnection: false } });
    const e = await connectError(s);
    assert.ok(e instanceof Error);
    assert.equal(s.connected, false);
    s.close();
  });

  test(`a token the page passes itself works from any origin (${transports})`, async () => {
    const s = connect(server, { nsp: '/chat', transports, token: alice.token, how: 'query', client: { extraHeaders: { Origin: OTHER } } });
    await connected(s);
    s.close();
  });
}

test('by hand: the 403s and the CORS answers for polling and for the WebSocket upgrade', async () => {
  const refused = await poll(server, {}, { headers: { Origin: OTHER, Cookie: `token=${alice.token}` } });
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get('access-control-allow-origin'), null);
  const allowed = await poll(server, {}, { headers: { Origin: APP, Cookie: `token=${alice.token}` } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get('access-control-allow-origin'), APP);
  assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
  assert.equal(allowed.headers.get('vary'), 'Origin');
  await assert.rejects(RawSocket.open(server, {}, { origin: OTHER, headers: { Cookie: `token=${alice.token}` } }), (e) => e.statusCode === 403);
  const ws = await RawSocket.open(server, {}, { origin: APP, headers: { Cookie: `token=${alice.token}` } });
  await ws.next('0');
  await ws.close();
});

test('a client without Origin (not a browser) may use the cookie', async () => {
  const s = connect(server, { nsp: '/chat', transports: ['websocket'], client: withCookie(null) });
  await connected(s);
  s.close();
});

test('namespace "/" (seed 001) does not take the cookie, even from an allowed origin', async () => {
  const s = connect(server, { transports: ['websocket'], client: { ...withCookie(APP), reconnection: false } });
  const e = await connectError(s);
  assert.equal(e.message, 'Authentication failed');
  s.close();
  // The same cookie on the same kind of connection is good for /chat.
  const chat = connect(server, { nsp: '/chat', transports: ['websocket'], client: withCookie(APP) });
  await connected(chat);
  chat.close();
});

test('default (no --allowed-origins): the server\'s own origin only', async () => {
  const own = await startServer();
  try {
    const u = await register(own);
    const home = oneNode(own); // a node's own origin (each node has its own address)
    const same = connect(home, { nsp: '/chat', transports: ['polling'], client: withCookie(home.base, u.token) });
    await connected(same);
    same.close();
    const other = await poll(own, {}, { headers: { Origin: APP, Cookie: `token=${u.token}` } });
    assert.equal(other.status, 403);
    const ws = RawSocket.open(own, {}, { origin: APP, headers: { Cookie: `token=${u.token}` } });
    await assert.rejects(ws, (e) => e.statusCode === 403);
  } finally {
    await own.stop();
  }
});

test('"*" allows any origin, with the origin echoed (never "*") so credentials work', async () => {
  const any = await startServer({ args: ['--allowed-origins', '*'] });
  try {
    const u = await register(any);
    const r = await poll(any, {}, { headers: { Origin: 'https://anywhere.example', Cookie: `token=${u.token}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://anywhere.example');
  } finally {
    await any.stop();
  }
});
