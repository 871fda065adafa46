'use strict';
// Attachments through REST: only the poster's own uploads (by id, by an
// object's id or by its /api/v1/uploads/ URL), and external links only with
// an http(s) URL. A refused post leaves nothing in the channel.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register } = require('../lib/server.js');
const { upload, uploadUrl, EXTERNAL, SCRIPT } = require('../lib/errors.js');

let server, a, b, ch, up;
test.before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  [a, b] = [await register(server), await register(server)];
  ch = (await api(server, 'GET', '/api/v1/channels', a.token)).body.channels.find((c) => c.name === 'general');
  up = await upload(server, a.token);
});
test.after(async () => { await server.stop(); });

const post = (user, body) => api(server, 'POST', '/api/v1/messages', user.token, { channel_id: ch.id, ...body });
const history = async () => (await api(server, 'GET', `/api/v1/channels/${ch.id}/messages?limit=100`, a.token)).body.messages;

function refusedAsUnknownUpload(r) {
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.code, 'validation_error');
  assert.equal(r.body.error.field, 'attachments');
  assert.match(r.body.error.message, /unknown upload id/);
}

test("someone else's upload is refused by id, by object id and by URL, and nothing is posted", async () => {
  const seen = (await history()).length;
  refusedAsUnknownUpload(await post(b, { content: 'by id', attachments: [up.id] }));
  refusedAsUnknownUpload(await post(b, { content: 'by object id', attachments: [{ id: up.id }] }));
  refusedAsUnknownUpload(await post(b, { content: 'by url', attachments: [uploadUrl(up)] }));
  // Barrier: the next post is the only new message.
  const plain = await post(b, { content: 'plain after refusals' });
  assert.equal(plain.status, 201);
  const after = await history();
  assert.deepEqual(after.slice(seen).map((m) => m.content), ['plain after refusals']);
});

test('the uploader may attach their own upload by id and by URL', async () => {
  const byId = await post(a, { content: 'mine by id', attachments: [up.id] });
  assert.equal(byId.status, 201, byId.text);
  assert.equal(byId.body.attachments[0].id, up.id);
  const byUrl = await post(a, { content: 'mine by url', attachments: [uploadUrl(up)] });
  assert.equal(byUrl.status, 201, byUrl.text);
  assert.equal(byUrl.body.attachments[0].id, up.id);
  assert.equal(byUrl.body.attachments[0].url, up.url);
});

test('external links: javascript: is refused, https is accepted', async () => {
  const seen = (await history()).length;
  const bad = await post(b, { content: 'script', attachments: [SCRIPT] });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.body.error.field, 'attachments');
  const good = await post(b, { content: 'link', attachments: [EXTERNAL] });
  assert.equal(good.status, 201, good.text);
  assert.equal(good.body.attachments[0].url, EXTERNAL.url);
  assert.equal(good.body.attachments[0].mimeType, EXTERNAL.type);
  assert.deepEqual((await history()).slice(seen).map((m) => m.content), ['link']);
});
