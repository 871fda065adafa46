'use strict';
// The REST API (docs/api/rest.md), route by route, against the real server.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register } = require('../lib/server.js');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let server;
test.before(async () => { server = await startServer({ args: ['--max-upload-bytes', '100000'] }); });
test.after(async () => { await server.stop(); });

test('health, readiness and metrics', async () => {
  const h = await api(server, 'GET', '/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(h.body, { status: 'ok' });
  assert.equal((await api(server, 'GET', '/readyz')).status, 200);
  const m = await api(server, 'GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type'), /^text\/plain/);
  for (const name of ['switchboard_connections{dialect="flatjson"}', 'switchboard_messages_posted_total', 'switchboard_deliveries_total',
    'switchboard_errors_total', 'switchboard_storage_commit_seconds_total']) assert.ok(m.text.includes(name), name);
});

test('register, login (by username or email), users/me and the error shapes', async () => {
  const reg = await api(server, 'POST', '/api/v1/auth/register', null, { username: 'carol', password: 'password123', email: 'carol@example.test', display_name: 'Carol C' });
  assert.equal(reg.status, 201);
  assert.equal(reg.body.token_type, 'bearer');
  assert.ok(reg.body.expires_in > 0);
  assert.match(reg.body.user.id, UUID);
  assert.equal(reg.body.user.display_name, 'Carol C');
  assert.equal(reg.body.access_token.split('.').length, 3);
  const claims = JSON.parse(Buffer.from(reg.body.access_token.split('.')[1], 'base64url'));
  assert.equal(claims.sub, reg.body.user.id);
  for (const k of ['exp', 'iat', 'name']) assert.ok(k in claims, k);

  const dup = await api(server, 'POST', '/api/v1/auth/register', null, { username: 'carol', password: 'password123' });
  assert.equal(dup.status, 409);
  assert.equal(typeof dup.body.error.code, 'string');
  assert.equal(typeof dup.body.error.message, 'string');
  const bad = await api(server, 'POST', '/api/v1/auth/register', null, { username: 'x y', password: 'password123' });
  assert.equal(bad.status, 422);
  const wrongType = await api(server, 'POST', '/api/v1/auth/register', null, { username: 5, password: 'password123' });
  assert.equal(wrongType.status, 422);
  const malformed = await api(server, 'POST', '/api/v1/auth/register', null, '{"username":');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error.code, 'invalid_json');

  const byName = await api(server, 'POST', '/api/v1/auth/login', null, { username: 'carol', password: 'password123' });
  assert.equal(byName.status, 200);
  const byEmail = await api(server, 'POST', '/api/v1/auth/login', null, { username: 'carol@example.test', password: 'password123' });
  assert.equal(byEmail.status, 200);
  assert.equal(byEmail.body.user.id, reg.body.user.id);
  const wrong = await api(server, 'POST', '/api/v1/auth/login', null, { username: 'carol', password: 'nope-nope' });
  assert.equal(wrong.status, 401);
  const me = await api(server, 'GET', '/api/v1/users/me', byName.body.access_token);
  assert.equal(me.status, 200);
  assert.equal(me.body.username, 'carol');
  assert.equal((await api(server, 'GET', '/api/v1/users/me')).status, 401);
  assert.equal((await api(server, 'GET', '/api/v1/users/me', 'abc.def.ghi')).status, 401);
  // The token cookie does not: REST takes the Authorization header only
  // (only seed 002's Socket.IO documents the cookie).
  const cookie = await api(server, 'GET', '/api/v1/users/me', null, undefined, { Cookie: `token=${byName.body.access_token}` });
  assert.equal(cookie.status, 401);
  assert.equal(cookie.body.error.code, 'unauthorized');
  const query = await api(server, 'GET', `/api/v1/users/me?token=${byName.body.access_token}`);
  assert.equal(query.status, 401);
});

test('workspaces: the default one for everyone, new ones owned by their creator', async () => {
  const a = await register(server), b = await register(server);
  const list = await api(server, 'GET', '/api/v1/workspaces', a.token);
  assert.equal(list.status, 200);
  const def = list.body.workspaces.find((w) => w.is_default);
  assert.ok(def, 'default workspace listed');
  const created = await api(server, 'POST', '/api/v1/workspaces', a.token, { name: 'Side project' });
  assert.equal(created.status, 201);
  assert.equal(created.body.owner_id, a.user.id);
  assert.ok(!(await api(server, 'GET', '/api/v1/workspaces', b.token)).body.workspaces.some((w) => w.id === created.body.id));
  const add = await api(server, 'POST', `/api/v1/workspaces/${created.body.id}/members`, a.token, { user_id: b.user.id });
  assert.equal(add.status, 201);
  assert.ok((await api(server, 'GET', '/api/v1/workspaces', b.token)).body.workspaces.some((w) => w.id === created.body.id));
  const ch = await api(server, 'POST', '/api/v1/channels', a.token, { name: 'side-general', type: 'public', workspace_id: created.body.id });
  assert.equal(ch.status, 201);
  assert.equal(ch.body.workspace_id, created.body.id);
  const filtered = await api(server, 'GET', `/api/v1/channels?workspace_id=${created.body.id}`, b.token);
  assert.deepEqual(filtered.body.channels.map((c) => c.id), [ch.body.id]);
});

test('channels: create, rename, join, members, permissions and delete', async () => {
  const a = await register(server), b = await register(server), c = await register(server);
  const created = await api(server, 'POST', '/api/v1/channels', a.token, { name: 'design', type: 'public', description: 'Design talk' });
  assert.equal(created.status, 201);
  for (const k of ['id', 'name', 'type', 'description', 'workspace_id', 'created_by']) assert.ok(k in created.body, k);
  assert.equal(created.body.created_by, a.user.id);
  assert.equal((await api(server, 'POST', '/api/v1/channels', a.token, { name: 'design' })).status, 409);
  assert.equal((await api(server, 'POST', '/api/v1/channels', a.token, { name: 'x', type: 'weird' })).status, 422);

  const renamed = await api(server, 'PATCH', `/api/v1/channels/${created.body.id}`, a.token, { name: 'design-team' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.name, 'design-team');
  assert.equal((await api(server, 'PATCH', `/api/v1/channels/${created.body.id}`, b.token, { name: 'mine' })).status, 403);

  assert.equal((await api(server, 'POST', `/api/v1/channels/${created.body.id}/join`, b.token)).status, 200);
  const priv = await api(server, 'POST', '/api/v1/channels', a.token, { name: 'private-room', type: 'private' });
  assert.equal((await api(server, 'POST', `/api/v1/channels/${priv.body.id}/join`, b.token)).status, 403);
  assert.ok(!(await api(server, 'GET', '/api/v1/channels', b.token)).body.channels.some((x) => x.id === priv.body.id), 'private channel hidden');
  assert.equal((await api(server, 'POST', `/api/v1/channels/${priv.body.id}/members`, b.token, { user_id: c.user.id })).status, 403);
  assert.equal((await api(server, 'POST', `/api/v1/channels/${priv.body.id}/members`, a.token, { user_id: b.user.id })).status, 201);
  assert.ok((await api(server, 'GET', '/api/v1/channels', b.token)).body.channels.some((x) => x.id === priv.body.id));
  assert.equal((await api(server, 'DELETE', `/api/v1/channels/${priv.body.id}/members/${b.user.id}`, a.token)).status, 204);

  assert.equal((await api(server, 'DELETE', `/api/v1/channels/${created.body.id}`, b.token)).status, 403);
  assert.equal((await api(server, 'DELETE', `/api/v1/channels/${created.body.id}`, a.token)).status, 204);
  assert.equal((await api(server, 'GET', `/api/v1/channels/${created.body.id}/messages`, a.token)).status, 404);
});

test('messages: post, history paging oldest first, edit, delete, reactions', async () => {
  const a = await register(server), b = await register(server);
  const ch = await api(server, 'POST', '/api/v1/channels', a.token, { name: `hist-${Date.now()}`, type: 'public' });
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const r = await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.body.id, content: `m${i}` });
    assert.equal(r.status, 201);
    assert.match(r.body.created_at, ISO_MS);
    ids.push(r.body.id);
  }
  const page = await api(server, 'GET', `/api/v1/channels/${ch.body.id}/messages?limit=2`, a.token);
  assert.deepEqual(page.body.messages.map((m) => m.content), ['m3', 'm4']);
  const older = await api(server, 'GET', `/api/v1/channels/${ch.body.id}/messages?limit=2&before=${ids[3]}`, a.token);
  assert.deepEqual(older.body.messages.map((m) => m.content), ['m1', 'm2']);
  assert.equal((await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.body.id, content: '   ' })).status, 422);
  assert.equal((await api(server, 'POST', '/api/v1/messages', a.token, { content: 'no channel' })).status, 422);
  assert.equal((await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.body.id, content: 'x'.repeat(17000) })).status, 413);

  const edit = await api(server, 'PATCH', `/api/v1/messages/${ids[0]}`, a.token, { content: 'm0 edited' });
  assert.equal(edit.status, 200);
  assert.equal(edit.body.is_edited, true);
  assert.equal((await api(server, 'PATCH', `/api/v1/messages/${ids[0]}`, b.token, { content: 'hijack' })).status, 403);
  const react = await api(server, 'POST', '/api/v1/messages/reactions', b.token, { message_id: ids[1], emoji: '🔥' });
  assert.equal(react.status, 201);
  assert.equal(react.body.emoji, '🔥');
  assert.equal((await api(server, 'POST', '/api/v1/messages/reactions', b.token, { message_id: ids[1], emoji: '🔥' })).status, 409);
  const withReaction = await api(server, 'GET', `/api/v1/channels/${ch.body.id}/messages?limit=10`, a.token);
  assert.equal(withReaction.body.messages.find((m) => m.id === ids[1]).reactions[0].user_id, b.user.id);
  assert.equal((await api(server, 'DELETE', '/api/v1/messages/reactions', b.token, { message_id: ids[1], emoji: '🔥' })).status, 204);
  assert.equal((await api(server, 'DELETE', `/api/v1/messages/${ids[2]}`, b.token)).status, 403);
  assert.equal((await api(server, 'DELETE', `/api/v1/messages/${ids[2]}`, a.token)).status, 204);
  assert.equal((await api(server, 'DELETE', `/api/v1/messages/${ids[2]}`, a.token)).status, 404);
});

test('conversations: the same participant set gives the same conversation', async () => {
  const a = await register(server), b = await register(server), c = await register(server);
  const one = await api(server, 'POST', '/api/v1/conversations', a.token, { participant_ids: [b.user.id] });
  assert.equal(one.status, 201);
  assert.deepEqual([...one.body.participant_ids].sort(), [a.user.id, b.user.id].sort());
  const again = await api(server, 'POST', '/api/v1/conversations', b.token, { participant_ids: [a.user.id, b.user.id] });
  assert.equal(again.body.id, one.body.id);
  const dm = await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: one.body.id, content: 'psst' });
  assert.equal(dm.status, 201);
  const hist = await api(server, 'GET', `/api/v1/conversations/${one.body.id}/messages`, b.token);
  assert.deepEqual(hist.body.messages.map((m) => m.content), ['psst']);
  assert.equal((await api(server, 'GET', `/api/v1/conversations/${one.body.id}/messages`, c.token)).status, 403);
  assert.equal((await api(server, 'POST', '/api/v1/messages', c.token, { channel_id: one.body.id, content: 'hi' })).status, 403);
  const legacy = await api(server, 'GET', `/api/conversations/${one.body.id}/messages?page=1`, b.token);
  assert.equal(legacy.status, 200);
  assert.equal(legacy.body.data[0].conversationId, one.body.id);
  assert.equal(legacy.body.data[0].user.id, a.user.id);
});

test('uploads: stored, size-limited, served back with auth, and the seed 001 aliases', async () => {
  const a = await register(server), b = await register(server);
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('hello file')], { type: 'text/plain' }), 'hello.txt');
  const up = await api(server, 'POST', '/api/v1/uploads', a.token, form);
  assert.equal(up.status, 201);
  for (const k of ['id', 'filename', 'originalName', 'mimeType', 'size', 'url', 'createdAt']) assert.ok(k in up.body, k);
  assert.equal(up.body.originalName, 'hello.txt');
  assert.equal(up.body.size, 10);
  const get = await fetch(`${server.base}${up.body.url}`, { headers: { Authorization: `Bearer ${a.token}` } });
  assert.equal(get.status, 200);
  assert.equal(await get.text(), 'hello file');
  assert.equal((await fetch(`${server.base}${up.body.url}`)).status, 401);
  // Nobody else sees it before it is posted (tests/clients/rest/uploads.test.js has the rest).
  assert.equal((await fetch(`${server.base}${up.body.url}`, { headers: { Authorization: `Bearer ${b.token}` } })).status, 404);

  const big = new FormData();
  big.append('file', new Blob([Buffer.alloc(150000)]), 'big.bin');
  assert.equal((await api(server, 'POST', '/api/v1/uploads', a.token, big)).status, 413);
  assert.equal((await api(server, 'POST', '/api/v1/uploads', a.token, 'not multipart', { 'Content-Type': 'text/plain' })).status, 400);

  const legacyForm = new FormData();
  legacyForm.append('file', new Blob([Buffer.from('x')]), 'x.txt');
  const legacy = await api(server, 'POST', '/api/upload', a.token, legacyForm);
  assert.equal(legacy.status, 201);
  assert.equal(legacy.body.data.originalName, 'x.txt');

  const ch = (await api(server, 'GET', '/api/v1/channels', a.token)).body.channels.find((c) => c.name === 'general');
  const withFile = await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'see file', attachments: [up.body.id] });
  assert.equal(withFile.status, 201);
  assert.equal(withFile.body.attachments[0].id, up.body.id);
  const page = await api(server, 'GET', `/api/messages?channelId=${ch.id}&page=1`, a.token);
  assert.equal(page.status, 200);
  const m = page.body.data.find((x) => x.id === withFile.body.id);
  assert.equal(m.channelId, ch.id);
  assert.equal(m.attachments[0].url, up.body.url);
  assert.deepEqual(Object.keys(m.user).sort(), ['id', 'image', 'name']);
});

test('unknown routes give 404 and wrong methods 405, both as JSON errors', async () => {
  const nf = await api(server, 'GET', '/api/v1/nothing-here');
  assert.equal(nf.status, 404);
  assert.equal(nf.body.error.code, 'not_found');
  const wm = await api(server, 'PUT', '/api/v1/messages');
  assert.equal(wm.status, 405);
  assert.ok(wm.headers.get('allow').includes('POST'));
});
