'use strict';
// docs/api/openapi.json against the real server. Every operation of the spec is
// called for real (with the users, channels, messages and uploads it needs), and
// every answer must have a status the operation declares and a body that
// validates against the declared schema. Then the other direction, by probing:
// methods the spec does not list on a documented path answer 405, and paths
// next to documented ones that the spec does not list answer 404.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, register, ROOT, nodeOf } = require('../lib/server.js');
// On a cluster the whole file waits: its first test, which the others build on, checks the
// login rate limit, and limits are still per node.
const { validate, resolve } = require('../lib/jsonschema.js');

const spec = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/api/openapi.json'), 'utf8'));
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = [];
for (const [p, item] of Object.entries(spec.paths))
  for (const m of HTTP_METHODS)
    if (item[m]) operations.push({ id: item[m].operationId, method: m.toUpperCase(), path: p, op: item[m] });
const byId = new Map(operations.map((o) => [o.id, o]));
const observed = new Map(operations.map((o) => [o.id, new Set()]));

const MESSAGE_RATE = 20; // --rate-messages-per-minute for this server
const MAX_UPLOAD = 100000;
const JOIN_RATE = 30; // the default --rate-joins-per-minute
let server;
test.before(async () => {
  server = await startServer({ args: ['--max-upload-bytes', String(MAX_UPLOAD), '--rate-messages-per-minute', String(MESSAGE_RATE)] });
});
test.after(async () => { if (server) await server.stop(); });

const uuid = () => crypto.randomUUID();
const templateRegex = (p) => new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

// Checks one answer against the operation's declared responses.
function conform(o, res) {
  const where = `${o.method} ${o.path} (${o.id}) answered ${res.status}`;
  const declared = o.op.responses[String(res.status)] || o.op.responses.default;
  assert.ok(declared, `${where}, which the spec does not declare (it declares ${Object.keys(o.op.responses).join(', ')}): ${res.text.slice(0, 300)}`);
  const response = declared.$ref ? resolve(spec, declared.$ref) : declared;
  if (!response.content) {
    assert.equal(res.buf.length, 0, `${where}: the spec declares no body, got ${res.text.slice(0, 200)}`);
  } else {
    const ctype = (res.headers.get('content-type') || '').split(';')[0].trim().toLowerCase();
    const media = response.content[ctype] || response.content['*/*'];
    assert.ok(media, `${where} with Content-Type ${ctype}, the spec declares ${Object.keys(response.content).join(', ')}`);
    if (ctype === 'application/json') {
      let json;
      assert.doesNotThrow(() => { json = JSON.parse(res.text); }, `${where}: the body is not JSON: ${res.text.slice(0, 200)}`);
      const errors = validate(media.schema, json, spec);
      assert.deepEqual(errors, [], `${where}: the body does not match the spec: ${res.text.slice(0, 400)}`);
      res.body = json;
    } else if (media.schema && media.schema.type === 'string' && !media.schema.contentMediaType) {
      assert.equal(typeof res.text, 'string');
    }
  }
  for (const [name, h] of Object.entries(response.headers || {})) {
    const value = res.headers.get(name);
    if (value === null && h.required === false) continue; // documented as sometimes absent
    assert.notEqual(value, null, `${where}: header ${name} is missing`);
    if (h.schema && 'const' in h.schema) assert.equal(value, h.schema.const, `${where}: header ${name}`);
    if (h.schema && h.schema.type === 'integer') assert.match(value, /^\d+$/, `${where}: header ${name}`);
  }
  observed.get(o.id).add(res.status);
}

// Calls an operation by its operationId and checks the answer.
async function call(id, { params = {}, query = {}, token, body, rawBody, form, headers = {}, at = server } = {}) {
  const o = byId.get(id);
  assert.ok(o, `the spec has no operation ${id}`);
  let url = o.path.replace(/\{(\w+)\}/g, (_, name) => {
    assert.ok(name in params, `${id}: path parameter ${name} not given`);
    return encodeURIComponent(params[name]);
  });
  const qs = new URLSearchParams(query).toString();
  if (qs) url += `?${qs}`;
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (form) payload = form;
  else if (rawBody !== undefined) { payload = rawBody; h['Content-Type'] = h['Content-Type'] || 'application/json'; }
  else if (body !== undefined) { payload = JSON.stringify(body); h['Content-Type'] = 'application/json'; }
  const r = await fetch(`${at.base}${url}`, { method: o.method, headers: h, body: payload });
  const buf = Buffer.from(await r.arrayBuffer());
  const res = { status: r.status, headers: r.headers, buf, text: buf.toString('utf8'), body: null };
  conform(o, res);
  return res;
}

async function expect(status, id, options) {
  const res = await call(id, options);
  assert.equal(res.status, status, `${id}: expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  return res;
}

function fileForm(content, name = 'notes.txt', type = 'text/plain', field = 'file') {
  const form = new FormData();
  form.append(field, new Blob([content], { type }), name);
  return form;
}

let a, b, c; // users: a owns things, b is a second member, c is an outsider

test('the spec is an OpenAPI 3.1 document with a bearer scheme and unique operation ids', () => {
  assert.match(spec.openapi, /^3\.1\./);
  assert.equal(spec.components.securitySchemes.bearerAuth.scheme, 'bearer');
  assert.equal(new Set(operations.map((o) => o.id)).size, operations.length);
  for (const o of operations) assert.ok(o.id, `${o.method} ${o.path} has an operationId`);
});

test('service: health, readiness, metrics', async () => {
  const h = await expect(200, 'getHealth');
  assert.deepEqual(h.body, { status: 'ok' });
  await expect(200, 'getReadiness');
  const m = await expect(200, 'getMetrics');
  for (const name of ['switchboard_connections{dialect="flatjson"}', 'switchboard_frames_out_total', 'switchboard_event_loop_lag_seconds_max'])
    assert.ok(m.text.includes(name), name);
});

test('auth and users', async () => {
  const name = `spec_${process.pid}`;
  const reg = await expect(201, 'register', { body: { username: name, password: 'password123', email: `${name}@example.test`, display_name: 'Spec A' } });
  a = { token: reg.body.access_token, user: reg.body.user };
  await expect(409, 'register', { body: { username: name, password: 'password123' } });
  const bad = await expect(422, 'register', { body: { username: 'x y', password: 'password123' } });
  assert.equal(bad.body.error.code, 'validation_error');
  await expect(422, 'register', { body: { username: `${name}_2`, password: '123' } });
  await expect(200, 'login', { body: { username: name, password: 'password123' } });
  await expect(200, 'login', { body: { username: `${name}@example.test`, password: 'password123' } });
  await expect(401, 'login', { body: { username: name, password: 'wrong-password' } });
  // Logout revokes the token it presents: a second logout with it is a 401.
  const spare = await expect(200, 'login', { body: { username: name, password: 'password123' } });
  await expect(204, 'logout', { token: spare.body.access_token });
  await expect(401, 'logout', { token: spare.body.access_token });
  await expect(422, 'login', { body: { password: 'password123' } });
  // At most 30 attempts per minute per username.
  let limited = null;
  for (let i = 0; i < 40 && !limited; ++i) {
    const r = await call('login', { body: { username: 'nobody-here', password: 'wrong-password' } });
    if (r.status === 429) limited = r;
  }
  assert.ok(limited, 'login attempts are rate limited');
  assert.ok(limited.body.error.retry_after > 0);

  b = await register(server);
  c = await register(server);
  const me = await expect(200, 'getMe', { token: a.token });
  assert.equal(me.body.id, a.user.id);
  const other = await expect(200, 'getUser', { token: a.token, params: { id: b.user.id } });
  assert.equal(other.body.username, b.username);
  await expect(404, 'getUser', { token: a.token, params: { id: uuid() } });
  await expect(401, 'getMe', { token: 'not.a.token' });
  // Only the header: the token as a cookie or as ?token= is no REST credential.
  await expect(401, 'getMe', { headers: { Cookie: `token=${a.token}` } });
  await expect(401, 'getMe', { query: { token: a.token } });
});

let defaultWorkspace, sideWorkspace;
test('workspaces', async () => {
  const list = await expect(200, 'listWorkspaces', { token: a.token });
  defaultWorkspace = list.body.workspaces.find((w) => w.is_default);
  assert.ok(defaultWorkspace);
  sideWorkspace = (await expect(201, 'createWorkspace', { token: a.token, body: { name: 'Spec side' } })).body;
  assert.equal(sideWorkspace.owner_id, a.user.id);
  await expect(422, 'createWorkspace', { token: a.token, body: { name: '' } });
  await expect(201, 'addWorkspaceMember', { token: a.token, params: { id: sideWorkspace.id }, body: { user_id: b.user.id } });
  await expect(403, 'addWorkspaceMember', { token: b.token, params: { id: sideWorkspace.id }, body: { user_id: c.user.id } });
  await expect(404, 'addWorkspaceMember', { token: a.token, params: { id: uuid() }, body: { user_id: c.user.id } });
  await expect(404, 'addWorkspaceMember', { token: a.token, params: { id: sideWorkspace.id }, body: { user_id: uuid() } });
  await expect(422, 'addWorkspaceMember', { token: a.token, params: { id: sideWorkspace.id }, body: { user_id: 7 } });
});

let pub, priv;
test('channels', async () => {
  const suffix = process.pid;
  pub = (await expect(201, 'createChannel', { token: a.token, body: { name: `spec-pub-${suffix}`, type: 'public', description: 'for the spec' } })).body;
  assert.equal(pub.workspace_id, defaultWorkspace.id);
  priv = (await expect(201, 'createChannel', { token: a.token, body: { name: `spec-priv-${suffix}`, type: 'private' } })).body;
  await expect(201, 'createChannel', { token: a.token, body: { name: `spec-side-${suffix}`, workspace_id: sideWorkspace.id } });
  await expect(409, 'createChannel', { token: a.token, body: { name: `spec-pub-${suffix}` } });
  await expect(422, 'createChannel', { token: a.token, body: { name: 'x', type: 'dm' } });
  await expect(404, 'createChannel', { token: a.token, body: { name: 'x', workspace_id: uuid() } });

  const all = await expect(200, 'listChannels', { token: a.token });
  assert.ok(all.body.channels.some((ch) => ch.id === priv.id && ch.is_member));
  const side = await expect(200, 'listChannels', { token: a.token, query: { workspace_id: sideWorkspace.id } });
  assert.ok(side.body.channels.every((ch) => ch.workspace_id === sideWorkspace.id));
  assert.ok(!(await expect(200, 'listChannels', { token: c.token })).body.channels.some((ch) => ch.id === priv.id));

  const detail = await expect(200, 'getChannel', { token: a.token, params: { id: priv.id } });
  assert.deepEqual(detail.body.member_ids, [a.user.id]);
  await expect(403, 'getChannel', { token: c.token, params: { id: priv.id } });
  await expect(404, 'getChannel', { token: a.token, params: { id: uuid() } });

  const renamed = await expect(200, 'updateChannel', { token: a.token, params: { id: pub.id }, body: { description: 'renamed' } });
  assert.equal(renamed.body.description, 'renamed');
  await expect(403, 'updateChannel', { token: b.token, params: { id: pub.id }, body: { name: 'taken-over' } });
  await expect(422, 'updateChannel', { token: a.token, params: { id: pub.id }, body: { name: '' } });
  await expect(409, 'updateChannel', { token: a.token, params: { id: pub.id }, body: { name: `spec-priv-${suffix}` } });

  await expect(200, 'joinChannel', { token: b.token, params: { id: pub.id } });
  await expect(403, 'joinChannel', { token: b.token, params: { id: priv.id } });
  await expect(204, 'leaveChannel', { token: b.token, params: { id: pub.id } });
  await expect(404, 'leaveChannel', { token: b.token, params: { id: pub.id } });
  await expect(404, 'leaveChannel', { token: c.token, params: { id: priv.id } }); // unreadable: as if it did not exist

  await expect(201, 'addChannelMember', { token: a.token, params: { id: priv.id }, body: { user_id: b.user.id } });
  await expect(403, 'addChannelMember', { token: c.token, params: { id: pub.id }, body: { user_id: c.user.id } });
  await expect(404, 'addChannelMember', { token: a.token, params: { id: priv.id }, body: { user_id: uuid() } });
  await expect(422, 'addChannelMember', { token: a.token, params: { id: priv.id }, body: {} });
  await expect(403, 'removeChannelMember', { token: b.token, params: { id: priv.id, user_id: a.user.id } });
  await expect(204, 'removeChannelMember', { token: a.token, params: { id: priv.id, user_id: b.user.id } });
  await expect(404, 'removeChannelMember', { token: a.token, params: { id: priv.id, user_id: b.user.id } });

  const doomed = (await expect(201, 'createChannel', { token: a.token, body: { name: `spec-doomed-${suffix}` } })).body;
  await expect(403, 'deleteChannel', { token: b.token, params: { id: doomed.id } });
  await expect(204, 'deleteChannel', { token: a.token, params: { id: doomed.id } });
  await expect(404, 'deleteChannel', { token: a.token, params: { id: doomed.id } });
});

let upload;
test('uploads', async () => {
  upload = (await expect(201, 'upload', { token: a.token, form: fileForm('hello spec') })).body;
  assert.equal(upload.originalName, 'notes.txt');
  assert.equal(upload.size, 10);
  const got = await expect(200, 'download', { token: a.token, params: { id: upload.id } });
  assert.equal(got.text, 'hello spec');
  assert.match(got.headers.get('content-disposition'), /^attachment;/);
  await expect(404, 'download', { token: b.token, params: { id: upload.id } }); // not posted yet
  await expect(404, 'download', { token: a.token, params: { id: uuid() } });
  const legacy = await expect(201, 'legacyUpload', { token: a.token, form: fileForm('legacy', 'old.txt') });
  assert.equal(legacy.body.data.originalName, 'old.txt');
  await expect(413, 'legacyUpload', { token: a.token, form: fileForm(Buffer.alloc(MAX_UPLOAD + 1, 65)) });
  await expect(422, 'legacyUpload', { token: a.token, form: fileForm('x', 'x.txt', 'text/plain', 'other') });
  await expect(413, 'upload', { token: a.token, form: fileForm(Buffer.alloc(MAX_UPLOAD + 1, 65)) });
  await expect(422, 'upload', { token: a.token, form: fileForm('x', 'x.txt', 'text/plain', 'other') });
  const notMultipart = await expect(400, 'upload', { token: a.token, rawBody: 'plain', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(notMultipart.body.error.code, 'invalid_upload');
  await expect(400, 'legacyUpload', { token: a.token, rawBody: 'plain', headers: { 'Content-Type': 'text/plain' } });
});

let msg, reply;
test('messages, threads, reactions, read markers', async () => {
  msg = (await expect(201, 'postMessage', { token: a.token, body: { channel_id: pub.id, content: `hello @${b.username}`, attachments: [upload.id], metadata: { k: 1 } } })).body;
  await expect(200, 'download', { token: b.token, params: { id: upload.id } }); // now b can see a message carrying it
  assert.deepEqual(msg.mentions, [b.user.id]);
  assert.equal(msg.attachments[0].id, upload.id);
  reply = (await expect(201, 'postMessage', { token: a.token, body: { channel_id: pub.id, content: 'in thread', thread_id: msg.id } })).body;
  assert.equal(reply.thread_id, msg.id);
  const quote = (await expect(201, 'postMessage', { token: a.token, body: { channel_id: pub.id, content: 'quote', reply_to_id: msg.id, attachments: [{ url: 'https://example.test/x.png', name: 'x.png', type: 'image/png' }] } })).body;
  assert.equal(quote.reply_to_id, msg.id);
  await expect(422, 'postMessage', { token: a.token, body: { channel_id: pub.id, content: '' } });
  await expect(422, 'postMessage', { token: a.token, body: { channel_id: pub.id, content: 'x', attachments: [uuid()] } });
  await expect(413, 'postMessage', { token: a.token, body: { channel_id: pub.id, content: 'x'.repeat(16385) } });
  await expect(403, 'postMessage', { token: c.token, body: { channel_id: priv.id, content: 'let me in' } });
  await expect(404, 'postMessage', { token: a.token, body: { channel_id: uuid(), content: 'nowhere' } });
  await expect(404, 'postMessage', { token: a.token, body: { channel_id: pub.id, content: 'x', thread_id: uuid() } });

  await expect(200, 'getMessage', { token: b.token, params: { id: msg.id } });
  const secret = (await expect(201, 'postMessage', { token: a.token, body: { channel_id: priv.id, content: 'secret' } })).body;
  // A message the caller cannot read does not exist for them.
  await expect(404, 'getMessage', { token: c.token, params: { id: secret.id } });
  await expect(404, 'addReaction', { token: c.token, body: { message_id: secret.id, emoji: '👍' } });
  await expect(404, 'editMessage', { token: c.token, params: { id: secret.id }, body: { content: 'x' } });
  const edited = await expect(200, 'editMessage', { token: a.token, params: { id: msg.id }, body: { content: 'edited' } });
  assert.equal(edited.body.is_edited, true);
  await expect(403, 'editMessage', { token: b.token, params: { id: msg.id }, body: { content: 'mine now' } });
  await expect(422, 'editMessage', { token: a.token, params: { id: msg.id }, body: {} });
  await expect(413, 'editMessage', { token: a.token, params: { id: msg.id }, body: { content: 'x'.repeat(16385) } });

  const thread = await expect(200, 'listThreadReplies', { token: b.token, params: { id: msg.id } });
  assert.deepEqual(thread.body.messages.map((m) => m.id), [reply.id]);
  await expect(404, 'listThreadReplies', { token: c.token, params: { id: secret.id } });
  await expect(404, 'markRead', { token: c.token, params: { id: secret.id } });
  await expect(204, 'markRead', { token: b.token, params: { id: msg.id } });

  const reaction = await expect(201, 'addReaction', { token: b.token, body: { message_id: msg.id, emoji: '👍' } });
  assert.equal(reaction.body.user_id, b.user.id);
  await expect(409, 'addReaction', { token: b.token, body: { message_id: msg.id, emoji: '👍' } });
  await expect(422, 'addReaction', { token: b.token, body: { message_id: msg.id, emoji: 'x'.repeat(65) } });
  await expect(404, 'addReaction', { token: b.token, body: { message_id: uuid(), emoji: '👍' } });
  await expect(204, 'removeReaction', { token: b.token, body: { message_id: msg.id, emoji: '👍' } });
  await expect(404, 'removeReaction', { token: b.token, body: { message_id: msg.id, emoji: '👍' } });
  await expect(422, 'removeReaction', { token: b.token, body: { message_id: msg.id } });

  const history = await expect(200, 'listChannelMessages', { token: b.token, params: { id: pub.id } });
  assert.ok(!history.body.messages.some((m) => m.id === reply.id), 'thread replies stay in their thread');
  const page = await expect(200, 'listChannelMessages', { token: b.token, params: { id: pub.id }, query: { before: quote.id, limit: 1 } });
  assert.deepEqual(page.body.messages.map((m) => m.id), [msg.id]);
  await expect(422, 'listChannelMessages', { token: b.token, params: { id: pub.id }, query: { limit: 'many' } });
  await expect(404, 'listChannelMessages', { token: b.token, params: { id: pub.id }, query: { before: uuid() } });
  await expect(403, 'listChannelMessages', { token: c.token, params: { id: priv.id } });

  await expect(403, 'deleteMessage', { token: b.token, params: { id: quote.id } });
  await expect(204, 'deleteMessage', { token: a.token, params: { id: quote.id } });
  await expect(404, 'deleteMessage', { token: a.token, params: { id: quote.id } });
  const after = await expect(200, 'listChannelMessages', { token: a.token, params: { id: pub.id } });
  const gone = after.body.messages.find((m) => m.id === quote.id);
  if (gone) assert.ok(gone.deleted_at, 'a deleted message in the history carries deleted_at');

  const legacy = await expect(200, 'legacyChannelMessages', { token: b.token, query: { channelId: pub.id } });
  assert.ok(legacy.body.data.some((m) => m.id === msg.id && m.channelId === pub.id));
  await expect(200, 'legacyChannelMessages', { token: b.token, query: { channelId: pub.id, page: 2 } });
  await expect(422, 'legacyChannelMessages', { token: b.token });
  await expect(422, 'legacyChannelMessages', { token: b.token, query: { channelId: pub.id, page: 0 } });
  await expect(404, 'legacyChannelMessages', { token: b.token, query: { channelId: uuid() } });
  await expect(403, 'legacyChannelMessages', { token: c.token, query: { channelId: priv.id } });
});

// The limited calls go to one node process (nodeOf: never through a balancer,
// which would spread them): a cluster counts a limit in Redis and may
// overshoot by about one action per node (docs/cluster.md "Limits"; counting
// across nodes is cluster/limits.test.js's). One node knows the others' earlier actions.
const limitNode = () => nodeOf(server);

test('message rate limit', async () => {
  const ch = (await expect(201, 'createChannel', { token: a.token, body: { name: `spec-rate-${process.pid}` } })).body;
  let limited = null;
  for (let i = 0; i <= MESSAGE_RATE && !limited; ++i) {
    const r = await call('postMessage', { token: a.token, body: { channel_id: ch.id, content: `n${i}` }, at: limitNode() });
    if (r.status === 429) limited = r;
  }
  assert.ok(limited, `the ${MESSAGE_RATE + 1}th message in a minute is refused`);
  assert.equal(limited.body.error.code, 'rate_limited');
});

test('join rate limit, for joining and for being added', async () => {
  const channels = [];
  for (let i = 0; i <= JOIN_RATE; ++i)
    channels.push((await expect(201, 'createChannel', { token: a.token, body: { name: `spec-join-${process.pid}-${i}` } })).body);
  const d = await register(server), e = await register(server);
  let joined = null, added = null;
  for (const ch of channels) {
    if (!joined) { const r = await call('joinChannel', { token: d.token, params: { id: ch.id }, at: limitNode() }); if (r.status === 429) joined = r; }
    if (!added) { const r = await call('addChannelMember', { token: a.token, params: { id: ch.id }, body: { user_id: e.user.id }, at: limitNode() }); if (r.status === 429) added = r; }
  }
  assert.ok(joined, `the ${JOIN_RATE + 1}th join in a minute is refused`);
  assert.ok(added, `the ${JOIN_RATE + 1}th addition of one user in a minute is refused`);
});

test('conversations', async () => {
  const conv = await expect(201, 'openConversation', { token: a.token, body: { participant_ids: [b.user.id] } });
  assert.deepEqual(conv.body.participant_ids, [a.user.id, b.user.id].sort());
  const again = await expect(201, 'openConversation', { token: b.token, body: { participant_ids: [a.user.id, b.user.id] } });
  assert.equal(again.body.id, conv.body.id);
  await expect(422, 'openConversation', { token: a.token, body: { participant_ids: [] } });
  await expect(422, 'openConversation', { token: a.token, body: { participant_ids: [uuid()] } });
  await expect(422, 'openConversation', { token: a.token, body: { participant_ids: 'b' } });
  await expect(201, 'postMessage', { token: b.token, body: { channel_id: conv.body.id, content: 'hi a' } });
  const list = await expect(200, 'listConversationMessages', { token: a.token, params: { id: conv.body.id } });
  assert.equal(list.body.messages.at(-1).content, 'hi a');
  await expect(403, 'listConversationMessages', { token: c.token, params: { id: conv.body.id } });
  await expect(404, 'listConversationMessages', { token: a.token, params: { id: uuid() } });
  await expect(422, 'listConversationMessages', { token: a.token, params: { id: conv.body.id }, query: { limit: '-1' } });
  const legacy = await expect(200, 'legacyConversationMessages', { token: a.token, params: { id: conv.body.id } });
  assert.equal(legacy.body.data.at(-1).conversationId, conv.body.id);
  await expect(403, 'legacyConversationMessages', { token: c.token, params: { id: conv.body.id } });
  await expect(404, 'legacyConversationMessages', { token: a.token, params: { id: uuid() } });
  await expect(422, 'legacyConversationMessages', { token: a.token, params: { id: conv.body.id }, query: { page: 'x' } });
  await expect(422, 'addChannelMember', { token: a.token, params: { id: conv.body.id }, body: { user_id: c.user.id } });
});

// Path parameters for the generic passes: real ids where an operation needs
// something to exist, random ones elsewhere.
const someParams = () => ({ id: uuid(), user_id: uuid() });

test('every secured operation refuses a request without a token with 401', async () => {
  for (const o of operations) {
    if (!o.op.security || o.op.security.length === 0) continue;
    const r = await call(o.id, { params: someParams(), body: o.op.requestBody ? {} : undefined });
    assert.equal(r.status, 401, `${o.id} without a token`);
    assert.equal(r.body.error.code, 'unauthorized');
  }
});

test('every operation with a JSON body answers malformed JSON with 400 invalid_json', async () => {
  for (const o of operations) {
    if (!o.op.requestBody || !o.op.requestBody.content['application/json']) continue;
    const r = await call(o.id, { params: someParams(), token: a.token, rawBody: '{"oops":' });
    assert.equal(r.status, 400, `${o.id} with malformed JSON`);
    assert.equal(r.body.error.code, 'invalid_json');
    const arr = await call(o.id, { params: someParams(), token: a.token, rawBody: '[1,2]' });
    assert.equal(arr.status, 400, `${o.id} with a JSON array`);
  }
});

test('every operation on an unknown id answers a declared client error', async () => {
  for (const o of operations) {
    if (!/\{/.test(o.path)) continue;
    const body = o.op.requestBody && o.op.requestBody.content['application/json'] ? { user_id: b.user.id, content: 'x', name: 'x' } : undefined;
    const r = await call(o.id, { params: someParams(), token: a.token, body });
    assert.ok(r.status >= 400 && r.status < 500, `${o.id} on an unknown id answered ${r.status}`);
  }
});

// The other direction: what the server serves beyond the spec.
function operationsMatching(urlPath) {
  return operations.filter((o) => templateRegex(o.path).test(urlPath));
}
const concrete = (p) => p.replace(/\{[^}]+\}/g, () => uuid());

test('documented paths answer 405 with an exact Allow header for methods the spec does not list', async () => {
  const probes = new Set(Object.keys(spec.paths).map(concrete));
  let checked = 0;
  for (const urlPath of probes) {
    const allowed = new Set(operationsMatching(urlPath).map((o) => o.method));
    for (const m of HTTP_METHODS.map((x) => x.toUpperCase())) {
      if (allowed.has(m)) continue;
      const r = await fetch(`${server.base}${urlPath}`, { method: m, headers: { Authorization: `Bearer ${a.token}` } });
      const text = await r.text();
      assert.equal(r.status, 405, `${m} ${urlPath}: the spec lists only ${[...allowed].join(', ')}, the server answered ${r.status} ${text.slice(0, 200)}`);
      assert.deepEqual(new Set(r.headers.get('allow').split(/,\s*/)), allowed, `Allow of ${urlPath}`);
      assert.equal(JSON.parse(text).error.code, 'method_not_allowed');
      ++checked;
    }
  }
  assert.ok(checked > 50, `${checked} method probes`);
});

test('paths next to documented ones that the spec does not list answer 404', async () => {
  const candidates = new Set();
  const words = ['me', 'search', 'admin', 'members', 'messages', 'reactions', 'read', 'thread', 'join', 'leave', 'typing', 'presence', 'users', 'channels', 'uploads', 'conversations', 'workspaces', 'pins', 'token', 'refresh', 'logout'];
  for (const p of Object.keys(spec.paths)) {
    const segments = p.split('/');
    for (let i = 2; i < segments.length; ++i) candidates.add(segments.slice(0, i).join('/')); // every prefix
    for (const w of words) candidates.add(`${p}/${w}`); // one level below
    for (const w of words) candidates.add(`${segments.slice(0, -1).join('/')}/${w}`); // siblings
  }
  for (const extra of ['/', '/api', '/api/v2/channels', '/api/channels', '/api/users/me', '/healthz/live', '/status', '/ready', '/health'])
    candidates.add(extra);
  let checked = 0;
  for (const template of candidates) {
    const urlPath = concrete(template);
    if (operationsMatching(urlPath).length > 0 || operationsMatching(urlPath.replace(/\/$/, '')).length > 0) continue;
    for (const m of ['GET', 'POST']) {
      const r = await fetch(`${server.base}${urlPath}`, { method: m, headers: { Authorization: `Bearer ${a.token}` } });
      const text = await r.text();
      assert.equal(r.status, 404, `${m} ${urlPath} is not in the spec but answered ${r.status}: ${text.slice(0, 200)}`);
      assert.equal(JSON.parse(text).error.code, 'not_found');
      ++checked;
    }
  }
  assert.ok(checked > 100, `${checked} path probes`);
});

test('a trailing slash is the same route, as the spec says', async () => {
  const r = await fetch(`${server.base}/api/v1/users/me/`, { headers: { Authorization: `Bearer ${a.token}` } });
  assert.equal(r.status, 200);
  assert.deepEqual(validate({ $ref: '#/components/schemas/User' }, await r.json(), spec), []);
});

test('the HTTP transports documented outside the spec are served', async () => {
  // Engine.IO polling handshake (docs/api/socketio-default.md) and Phoenix
  // long-poll (docs/api/phoenix.md): plain HTTP routes on purpose left out of the spec.
  const eio = await fetch(`${server.base}/socket.io/?EIO=4&transport=polling`);
  assert.equal(eio.status, 200);
  assert.match(await eio.text(), /^0\{.*"sid":/);
  const lp = await fetch(`${server.base}/socket/longpoll?vsn=2.0.0&token=${a.token}`);
  assert.equal(lp.status, 200);
  assert.equal((await lp.json()).status, 410);
});

test('every operation was called, and answered with success at least once', (t) => {
  const missing = [];
  const unobserved = [];
  for (const o of operations) {
    const seen = observed.get(o.id);
    if (![...seen].some((s) => s >= 200 && s < 300)) missing.push(`${o.id} (saw ${[...seen].join(', ') || 'nothing'})`);
    for (const s of Object.keys(o.op.responses)) if (!seen.has(Number(s))) unobserved.push(`${o.id} ${s}`);
  }
  assert.deepEqual(missing, [], 'operations never answered with success');
  // Every status the spec declares is one the server really gives, except these,
  // which need a server that is starting or stopping.
  const unreachable = ['getReadiness 503'];
  assert.deepEqual(unobserved.filter((s) => !unreachable.includes(s)), [], 'declared statuses that no request here produced');
  const answers = [...observed.values()].reduce((n, s) => n + s.size, 0);
  t.diagnostic(`${operations.length} operations, ${answers} distinct (operation, status) answers checked against the spec`);
});
