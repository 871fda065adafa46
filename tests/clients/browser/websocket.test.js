'use strict';
// The plain-WebSocket dialects in a real browser: flat JSON (/ws, seed 004)
// and workspace JSON (/ws/{workspace_id}, seed 003) with Chromium's own
// WebSocket, on a page served from another origin than the chat server.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api, JsonSocket } = require('../lib/server.js');
const { startStaticServer, BrowserRun, originFlag, take } = require('./harness.js');

let server, site, run, alice, bob, generalId, workspaceId;
before(async () => {
  site = await startStaticServer();
  server = await startServer({ args: [originFlag().flag, site.origin, '--rate-messages-per-minute', '0'] });
  [alice, bob] = await Promise.all([register(server), register(server)]);
  generalId = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general').id;
  workspaceId = (await api(server, 'GET', '/api/v1/workspaces', alice.token)).body.workspaces.find((w) => w.is_default).id;
  run = await BrowserRun.launch();
});
after(async () => {
  await run?.close();
  await site?.close();
  await server?.stop();
});

const send = (page, tag, frame) => page.evaluate((t, f) => sockets[t].send(JSON.stringify(f)), tag, frame);

test('flat JSON /ws from a page: connection_established, send_message, new_message both ways', (t) => run.run(t.name, async () => {
  const listener = await JsonSocket.open(`${server.wsBase}/ws?token=${bob.token}`);
  try {
    await listener.next('connection_established');
    const page = await run.open(site.origin, 'flat');
    await page.evaluate((url) => { wsOpen('f', url); }, `${server.wsBase}/ws?token=${encodeURIComponent(alice.token)}`);
    const hello = await take(page, 'f', 'connection_established');
    assert.equal(hello.user_id, alice.user.id);

    await send(page, 'f', { type: 'send_message', channel_id: generalId, content: 'flat from a browser', client_id: 'c1' });
    const receipt = await take(page, 'f', 'message_sent');
    assert.equal(receipt.client_id, 'c1');
    const m = await listener.next((x) => x.type === 'new_message' && x.data.id === receipt.data.id);
    assert.equal(m.data.content, 'flat from a browser');

    listener.send({ type: 'send_message', channel_id: generalId, content: 'flat to a browser' });
    // The author's own connections get new_message too, so pick by content.
    const got = await take(page, 'f', 'new_message', { 'data.content': 'flat to a browser' });
    assert.equal(got.data.channelId, generalId);
    assert.equal(got.data.userId, bob.user.id);
  } finally {
    await listener.close();
  }
}));

test('flat JSON /ws from a page: a bad token refuses the upgrade, seen as a failed WebSocket', (t) => run.run(t.name, async () => {
  const page = await run.open(site.origin, 'flat-bad');
  await page.evaluate((url) => { wsOpen('f', url); }, `${server.wsBase}/ws?token=not-a-token`);
  await take(page, 'f', 'error');
  // A browser hides the HTTP 401 of a refused upgrade: 1006, never opened.
  assert.equal((await take(page, 'f', 'close')).code, 1006);
  assert.ok(!(await page.evaluate(() => window.received.some((x) => x.tag === 'f' && x.name === 'open'))));
  // What Chromium says for an HTTP 401 answer to the upgrade.
  assert.match(page.consoleLog.join('\n'), /failed: HTTP Authentication failed/);
}));

test('workspace JSON /ws/{id} from a page: pong envelope, a REST message arrives, typing reaches another client', (t) => run.run(t.name, async () => {
  const listener = await JsonSocket.open(`${server.wsBase}/ws/${workspaceId}?token=${bob.token}`);
  try {
    listener.send({ type: 'ping' });
    await listener.next('pong');
    const page = await run.open(site.origin, 'workspace');
    await page.evaluate((url) => { wsOpen('w', url); }, `${server.wsBase}/ws/${workspaceId}?token=${encodeURIComponent(alice.token)}`);
    await take(page, 'w', 'open');
    await send(page, 'w', { type: 'ping' });
    const pong = await take(page, 'w', 'pong');
    assert.equal(pong.workspace_id, workspaceId);
    assert.deepEqual(pong.data, {});

    const posted = await api(server, 'POST', '/api/v1/messages', bob.token, { channel_id: generalId, content: 'workspace to a browser' });
    assert.equal(posted.status, 201, posted.text);
    const m = await take(page, 'w', 'message.new');
    assert.equal(m.data.id, posted.body.id);
    assert.equal(m.data.content, 'workspace to a browser');
    assert.equal(m.data.user_id, bob.user.id);

    await send(page, 'w', { type: 'typing', channel_id: generalId, is_typing: true });
    const typing = await listener.next((x) => x.type === 'typing.start' && x.data.user_id === alice.user.id);
    assert.equal(typing.data.channel_id, generalId);
  } finally {
    await listener.close();
  }
}));

test('workspace JSON /ws/{id} from a page: a bad token surfaces as an INVALID_TOKEN error and close 4001', (t) => run.run(t.name, async () => {
  const page = await run.open(site.origin, 'workspace-bad');
  await page.evaluate((url) => { wsOpen('w', url); }, `${server.wsBase}/ws/${workspaceId}?token=not-a-token`);
  const error = await take(page, 'w', 'error');
  assert.equal(error.data.code, 'INVALID_TOKEN');
  const closed = await take(page, 'w', 'close');
  assert.equal(closed.code, 4001);
  assert.equal(closed.reason, 'INVALID_TOKEN');
}));
