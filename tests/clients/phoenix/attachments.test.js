'use strict';
// Attachments in send_message over Phoenix: objects ({id} or {url, ...}) go to
// the core, which accepts only the sender's own uploads and http(s) external
// links. A refused message is never broadcast.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register } = require('../lib/server.js');
const { upload, uploadUrl, EXTERNAL, SCRIPT } = require('../lib/errors.js');
const { connect, join, reply, general, disconnect } = require('./phx.js');

let server, up, ca, cb, observer;
const sockets = [];
test.before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  const [a, b, o] = [await register(server), await register(server), await register(server)];
  const ch = await general(server, a.token);
  up = await upload(server, a.token);
  const joinAs = async (u) => {
    const s = await connect(server, u.token);
    sockets.push(s);
    const j = await join(s, `channel:${ch.id}`);
    assert.equal(j.status, 'ok');
    return j;
  };
  [ca, cb, observer] = [await joinAs(a), await joinAs(b), await joinAs(o)];
});
test.after(async () => {
  for (const s of sockets) await disconnect(s);
  await server.stop();
});

let tempIds = 0;
const send = (j, content, attachments) => reply(j.channel.push('send_message', { content, attachments, temp_id: `t${++tempIds}` }));

function refusedAsUnknownUpload(r) {
  assert.equal(r.status, 'error', JSON.stringify(r));
  assert.equal(r.response.reason, 'invalid');
  assert.equal(r.response.errors.attachments.length, 1);
  assert.match(r.response.errors.attachments[0], /unknown upload id/);
}

// The observer's next new_message is `content`: nothing was broadcast before it.
async function nextBroadcastIs(content) {
  const m = await observer.inbox.next('new_message');
  assert.equal(m.message.content, content);
  return m.message;
}

test("someone else's upload is refused by object id and by URL, and nothing is broadcast", async () => {
  refusedAsUnknownUpload(await send(cb, 'by object id', [{ id: up.id }]));
  refusedAsUnknownUpload(await send(cb, 'by url', [uploadUrl(up)]));
  // Seed 000 sends attachment objects; a bare id is refused by the dialect.
  assert.ok((await send(cb, 'bare id', [up.id])).response.errors.attachments);
  assert.equal((await send(cb, 'plain after refusals')).status, 'ok');
  await nextBroadcastIs('plain after refusals');
});

test('the uploader may attach their own upload by object id and by URL', async () => {
  const byId = await send(ca, 'mine by id', [{ id: up.id }]);
  assert.equal(byId.status, 'ok', JSON.stringify(byId));
  assert.equal(byId.response.message.attachments[0].id, up.id);
  assert.equal((await nextBroadcastIs('mine by id')).attachments[0].id, up.id);
  assert.equal((await send(ca, 'mine by url', [uploadUrl(up)])).status, 'ok');
  assert.equal((await nextBroadcastIs('mine by url')).attachments[0].url, up.url);
});

test('external links: javascript: is refused, https is accepted', async () => {
  const bad = await send(cb, 'script', [SCRIPT]);
  assert.equal(bad.status, 'error');
  assert.ok(bad.response.errors.attachments);
  assert.equal((await send(cb, 'link', [EXTERNAL])).status, 'ok');
  const m = await nextBroadcastIs('link');
  assert.equal(m.attachments[0].url, EXTERNAL.url);
  assert.equal(m.attachments[0].content_type, EXTERNAL.type);
});
