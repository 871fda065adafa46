'use strict';
// Socket.IO in a real browser: the official socket.io-client bundle in
// headless Chromium, on a page served from another origin than the chat
// server. Polling first, then the upgrade to WebSocket, with CORS; namespace
// "/" (seed 001) and "/chat" (seed 002), and seed 002's cookie authentication
// from an allowed and from a refused origin.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api } = require('../lib/server.js');
const sio = require('../socketio/sio.js');
const { startStaticServer, BrowserRun, originFlag, take } = require('./harness.js');

const origins = originFlag();
let server, site, otherSite, run, alice, bob;
before(async () => {
  [site, otherSite] = await Promise.all([startStaticServer(), startStaticServer()]);
  server = await startServer({ args: [origins.flag, site.origin, '--rate-messages-per-minute', '0'] });
  [alice, bob] = await Promise.all([register(server), register(server)]);
  run = await BrowserRun.launch();
});
after(async () => {
  await run?.close();
  await Promise.all([site?.close(), otherSite?.close()]);
  await server?.stop();
});

async function channel(owner) {
  const r = await api(server, 'POST', '/api/v1/channels', owner.token, { name: `b${Date.now()}${Math.random()}`.slice(0, 40), type: 'public' });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

// Connects tag in page to the server (nsp '' or '/chat') and checks the
// transports: the engine opens on polling and upgrades to websocket.
async function connectAndUpgrade(page, nsp, options) {
  await page.evaluate((url, o) => { ioConnect('s', url, o); }, server.base + nsp, options);
  assert.deepEqual(await take(page, 's', 'engine_open'), { transport: 'polling' });
  assert.ok((await take(page, 's', 'connect')).id);
  assert.deepEqual(await take(page, 's', 'engine_upgrade'), { transport: 'websocket' });
  assert.equal(await page.evaluate(() => sockets.s.io.engine.transport.name), 'websocket');
  // The polling requests were cross-origin and allowed by CORS for this page.
  const polls = page.responses.filter((r) => r.url.startsWith(`${server.base}/socket.io/`) && r.headers['access-control-allow-origin']);
  assert.ok(polls.length > 0, 'no polling answer carried Access-Control-Allow-Origin');
  for (const r of polls) assert.equal(r.headers['access-control-allow-origin'], site.origin);
}

test('namespace / (seed 001): two pages connect over polling, upgrade to websocket and exchange a message', (t) => run.run(t.name, async () => {
  const channelId = await channel(alice);
  const pa = await run.open(site.origin, 'alice');
  const pb = await run.open(site.origin, 'bob');
  await connectAndUpgrade(pa, '', { auth: { token: alice.token } });
  await connectAndUpgrade(pb, '', { auth: { token: bob.token } });
  assert.equal((await take(pa, 's', 'authenticated')).userId, alice.user.id);
  for (const page of [pa, pb]) {
    await page.evaluate((id) => sockets.s.emit('join_channel', { channelId: id }), channelId);
    const joined = await take(page, 's', 'joined_channel');
    assert.deepEqual(joined, { channelId, seq: joined.seq });
    assert.ok(Number.isInteger(joined.seq), JSON.stringify(joined));
  }
  await pa.evaluate((id) => sockets.s.emit('send_message', { channelId: id, content: 'hello from a browser' }), channelId);
  const m = await take(pb, 's', 'new_message', { content: 'hello from a browser' });
  assert.equal(m.channelId, channelId);
  assert.equal(m.userId, alice.user.id);
  assert.equal(m.user.id, alice.user.id);
  // The sender's page is in the channel too and gets the same message.
  assert.equal((await take(pa, 's', 'new_message', { content: 'hello from a browser' })).id, m.id);
}));

test('namespace /chat (seed 002): two pages connect over polling, upgrade to websocket and exchange a message', (t) => run.run(t.name, async () => {
  const roomId = await channel(alice);
  const pa = await run.open(site.origin, 'alice');
  const pb = await run.open(site.origin, 'bob');
  await connectAndUpgrade(pa, '/chat', { auth: { token: alice.token } });
  await connectAndUpgrade(pb, '/chat', { auth: { token: bob.token } });
  for (const page of [pa, pb]) {
    await page.evaluate((id) => sockets.s.emit('joinRoom', id), roomId);
    assert.equal(await take(page, 's', 'joinedRoom'), roomId);
  }
  await pa.evaluate((id) => sockets.s.emit('sendMessage', { content: 'hi /chat', roomId: id }), roomId);
  const receipt = await take(pa, 's', 'messageSent');
  assert.equal(receipt.status, 'sent');
  const m = await take(pb, 's', 'newMessage', { id: receipt.id });
  assert.equal(m.content, 'hi /chat');
  assert.equal(m.sender, alice.user.id);
  assert.equal(m.roomId, roomId);
}));

test('namespace /chat (seed 002): a bad token surfaces in the page as connect_error "Authentication failed"', (t) => run.run(t.name, async () => {
  const page = await run.open(site.origin, 'bad-token');
  await page.evaluate((url) => { ioConnect('s', url, { auth: { token: 'not-a-token' } }); }, `${server.base}/chat`);
  const e = await take(page, 's', 'connect_error');
  assert.equal(e.message, 'Authentication failed');
  assert.equal(await page.evaluate(() => sockets.s.connected), false);
}));

// The `token` cookie for the chat server's origin (cookies ignore the port,
// so the static pages' host gets it too; only the chat server reads it).
const tokenCookie = (user) => [{ url: server.base, name: 'token', value: user.token, path: '/' }];

test('seed 002 cookie auth: withCredentials from the allowed origin connects as the cookie\'s user', (t) => run.run(t.name, async () => {
  const roomId = await channel(alice);
  const listener = sio.connect(server, { nsp: '/chat', token: bob.token, transports: ['websocket'] });
  try {
    await sio.connected(listener);
    listener.emit('joinRoom', roomId);
    assert.equal(await sio.next(listener, 'joinedRoom'), roomId);

    // Control: the same page without the cookie is refused, so the cookie is what authenticates.
    const anonymous = await run.open(site.origin, 'no-cookie');
    await anonymous.evaluate((url) => { ioConnect('s', url, { withCredentials: true }); }, `${server.base}/chat`);
    assert.equal((await take(anonymous, 's', 'connect_error')).message, 'Authentication failed');

    const page = await run.open(site.origin, 'cookie', { cookies: tokenCookie(alice) });
    await connectAndUpgrade(page, '/chat', { withCredentials: true });
    const polls = page.responses.filter((r) => r.url.startsWith(`${server.base}/socket.io/`) && r.headers['access-control-allow-origin']);
    assert.ok(polls.every((r) => r.headers['access-control-allow-credentials'] === 'true'), 'credentialed polling needs Access-Control-Allow-Credentials');
    await page.evaluate((id) => sockets.s.emit('joinRoom', id), roomId);
    assert.equal(await take(page, 's', 'joinedRoom'), roomId);
    await page.evaluate((id) => sockets.s.emit('sendMessage', { content: 'sent with a cookie', roomId: id }), roomId);
    const m = await sio.next(listener, 'newMessage', (x) => x.content === 'sent with a cookie');
    assert.equal(m.sender, alice.user.id);
    assert.equal(m.roomId, roomId);
  } finally {
    listener.close();
  }
}));

test('seed 002 cookie auth: withCredentials from an origin not in --allowed-origins is refused (connect_error)', {
  skip: origins.enforced ? false
    : 'this switchboard-server has no --allowed-origins (only --cors-origins); the case runs once the allowed-origins work is merged',
}, (t) => run.run(t.name, async () => {
  // Polling first (the default), and WebSocket only: browsers apply no CORS to
  // WebSockets and send the cookie on the upgrade, so only the server's origin
  // check can refuse that one.
  for (const transports of [undefined, ['websocket']]) {
    const label = transports ? 'websocket only' : 'polling first';
    const page = await run.open(otherSite.origin, `other-origin-${transports ? 'ws' : 'polling'}`, { cookies: tokenCookie(alice) });
    await page.evaluate((url, o) => { ioConnect('s', url, o); }, `${server.base}/chat`, { withCredentials: true, ...(transports ? { transports } : {}) });
    const e = await take(page, 's', 'connect_error');
    assert.ok(e.message, `${label}: connect_error carries a message`);
    assert.equal(await page.evaluate(() => sockets.s.connected), false, label);
    assert.ok(!(await page.evaluate(() => window.received.some((x) => x.name === 'connect'))), `${label}: the page never connected`);
    // No CORS for WebSockets: the server itself refused the upgrade.
    if (transports) assert.match(page.consoleLog.join('\n'), /Unexpected response code: 403/, label);
  }
}));
