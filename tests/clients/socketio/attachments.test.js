'use strict';
// Attachments over Socket.IO: "/" send_message {attachments: [objects]} and
// "/chat" sendMessage {attachment: object}. The core accepts only the
// sender's own uploads (by id or /api/v1/uploads/ URL) and http(s) external
// links; a refused message is never broadcast.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api } = require('../lib/server.js');
const { upload, uploadUrl, EXTERNAL, SCRIPT } = require('../lib/errors.js');
const { connect, next, connected } = require('./sio');

let server, a, b, o, channelId, up;
before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  [a, b, o] = [await register(server), await register(server), await register(server)];
  channelId = (await api(server, 'GET', '/api/v1/channels', a.token)).body.channels.find((c) => c.name === 'general').id;
  up = await upload(server, a.token);
});
after(async () => { await server.stop(); });

function refusedAsUnknownUpload(ack) {
  assert.equal(ack.ok, false, JSON.stringify(ack));
  assert.equal(ack.error.code, 'validation_error');
  assert.equal(ack.error.field, 'attachments');
  assert.match(ack.error.message, /unknown upload id/);
}

describe('namespace /', () => {
  let sa, sb, observer;
  before(async () => {
    [sa, sb, observer] = [a, b, o].map((u) => connect(server, { token: u.token, transports: ['websocket'] }));
    await Promise.all([sa, sb, observer].map((s) => connected(s)));
    for (const s of [sa, sb, observer]) assert.equal((await s.emitWithAck('join_channel', { channelId })).ok, true);
  });
  after(() => { for (const s of [sa, sb, observer]) s.close(); });

  const send = (s, content, attachments) => s.emitWithAck('send_message', { channelId, content, attachments });
  // The observer's next new_message is `content`: nothing was broadcast before it.
  async function nextBroadcastIs(content) {
    const m = await next(observer, 'new_message');
    assert.equal(m.content, content);
    return m;
  }

  test("someone else's upload is refused by object id and by URL, and nothing is broadcast", async () => {
    refusedAsUnknownUpload(await send(sb, 'by object id', [{ id: up.id }]));
    refusedAsUnknownUpload(await send(sb, 'by url', [uploadUrl(up)]));
    // "/" takes attachment objects only; a bare id is refused by the dialect.
    assert.equal((await send(sb, 'bare id', [up.id])).error.field, 'attachments');
    assert.equal((await send(sb, 'plain after refusals')).ok, true);
    await nextBroadcastIs('plain after refusals');
  });

  test('the uploader may attach their own upload by object id and by URL', async () => {
    const byId = await send(sa, 'mine by id', [{ id: up.id }]);
    assert.equal(byId.ok, true, JSON.stringify(byId));
    assert.equal(byId.data.attachments[0].id, up.id);
    assert.equal((await nextBroadcastIs('mine by id')).attachments[0].id, up.id);
    const byUrl = await send(sa, 'mine by url', [uploadUrl(up)]);
    assert.equal(byUrl.ok, true, JSON.stringify(byUrl));
    assert.equal((await nextBroadcastIs('mine by url')).attachments[0].url, up.url);
  });

  test('external links: javascript: is refused, https is accepted', async () => {
    const bad = await send(sb, 'script', [SCRIPT]);
    assert.equal(bad.ok, false);
    assert.equal(bad.error.field, 'attachments');
    const good = await send(sb, 'link', [EXTERNAL]);
    assert.equal(good.ok, true, JSON.stringify(good));
    assert.equal((await nextBroadcastIs('link')).attachments[0].url, EXTERNAL.url);
  });
});

describe('namespace /chat', () => {
  let sa, sb, observer;
  before(async () => {
    [sa, sb, observer] = [a, b, o].map((u) => connect(server, { token: u.token, nsp: '/chat', transports: ['websocket'] }));
    await Promise.all([sa, sb, observer].map((s) => connected(s)));
    for (const s of [sa, sb, observer]) assert.equal((await s.emitWithAck('joinRoom', channelId)).ok, true);
  });
  after(() => { for (const s of [sa, sb, observer]) s.close(); });

  const send = (s, content, attachment) => s.emitWithAck('sendMessage', { roomId: channelId, content, attachment });
  async function nextBroadcastIs(content) {
    const m = await next(observer, 'newMessage');
    assert.equal(m.content, content);
    return m;
  }

  test("someone else's upload is refused by object id and by URL, and nothing is broadcast", async () => {
    refusedAsUnknownUpload(await send(sb, 'by object id', { id: up.id }));
    refusedAsUnknownUpload(await send(sb, 'by url', uploadUrl(up)));
    const ev = await next(sb, 'error', (e) => e.field === 'attachments');
    assert.equal(ev.type, 'validation');
    assert.equal((await send(sb, 'plain after refusals')).ok, true);
    await nextBroadcastIs('plain after refusals');
  });

  test('the uploader may attach their own upload by object id and by URL', async () => {
    assert.equal((await send(sa, 'mine by id', { id: up.id })).ok, true);
    const byId = await nextBroadcastIs('mine by id');
    assert.deepEqual(byId.attachment, { id: up.id, url: up.url, type: 'text/plain', name: 'a.txt', size: up.size });
    assert.equal((await send(sa, 'mine by url', uploadUrl(up))).ok, true);
    assert.equal((await nextBroadcastIs('mine by url')).attachment.id, up.id);
  });

  test('external links: javascript: is refused, https is accepted', async () => {
    const bad = await send(sb, 'script', SCRIPT);
    assert.equal(bad.ok, false);
    assert.equal(bad.error.field, 'attachments');
    assert.equal((await send(sb, 'link', EXTERNAL)).ok, true);
    assert.deepEqual((await nextBroadcastIs('link')).attachment,
      { url: EXTERNAL.url, type: EXTERNAL.type, name: EXTERNAL.name, size: EXTERNAL.size });
  });
});
