'use strict';
// Attachments in send_message: upload ids and objects go to the core, which
// accepts only the sender's own uploads and http(s) external links. A refused
// message is never broadcast.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const { upload, uploadUrl, EXTERNAL, SCRIPT } = require('../lib/errors.js');

let server, a, b, channel, up, observer, sa, sb;
test.before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  [a, b] = [await register(server), await register(server)];
  channel = (await api(server, 'GET', '/api/v1/channels', a.token)).body.channels.find((c) => c.name === 'general');
  up = await upload(server, a.token);
  [observer, sa, sb] = await Promise.all([open(await register(server)), open(a), open(b)]);
});
test.after(async () => {
  for (const s of [observer, sa, sb]) await s.close();
  await server.stop();
});

async function open(user) {
  const s = await JsonSocket.open(`${server.wsBase}/ws?token=${user.token}`);
  await s.next('connection_established');
  return s;
}

function send(s, content, attachments) {
  s.send({ type: 'send_message', channel_id: channel.id, content, attachments });
  return s.next((m) => m.type === 'message_sent' || m.type === 'error');
}

function refusedAsUnknownUpload(m) {
  assert.equal(m.type, 'error', JSON.stringify(m));
  assert.equal(m.error_code, 'send_message_error');
  assert.equal(m.details, 'field: attachments');
  assert.match(m.message, /unknown upload id/);
}

// The observer's next new_message is `content`: nothing was broadcast before it.
async function nextBroadcastIs(content) {
  const m = await observer.next('new_message');
  assert.equal(m.data.content, content);
  return m.data;
}

test("someone else's upload is refused by id, by object id and by URL, and nothing is broadcast", async () => {
  refusedAsUnknownUpload(await send(sb, 'by id', [up.id]));
  refusedAsUnknownUpload(await send(sb, 'by object id', [{ id: up.id }]));
  refusedAsUnknownUpload(await send(sb, 'by url', [uploadUrl(up)]));
  assert.equal((await send(sb, 'plain after refusals')).type, 'message_sent');
  await nextBroadcastIs('plain after refusals');
});

test('the uploader may attach their own upload by id and by URL', async () => {
  const byId = await send(sa, 'mine by id', [up.id]);
  assert.equal(byId.type, 'message_sent', JSON.stringify(byId));
  assert.equal(byId.data.attachments[0].id, up.id);
  assert.equal((await nextBroadcastIs('mine by id')).attachments[0].id, up.id);
  const byUrl = await send(sa, 'mine by url', [uploadUrl(up)]);
  assert.equal(byUrl.type, 'message_sent', JSON.stringify(byUrl));
  assert.equal((await nextBroadcastIs('mine by url')).attachments[0].url, up.url);
});

test('external links: javascript: is refused, https is accepted', async () => {
  const bad = await send(sb, 'script', [SCRIPT]);
  assert.equal(bad.type, 'error');
  assert.equal(bad.details, 'field: attachments');
  const good = await send(sb, 'link', [EXTERNAL]);
  assert.equal(good.type, 'message_sent', JSON.stringify(good));
  assert.equal((await nextBroadcastIs('link')).attachments[0].url, EXTERNAL.url);
});
