'use strict';
// REST errors: docs/api/rest.md's {"error":{code, message, field?, retry_after?}}
// with the right status, and every error response counted exactly once in
// switchboard_errors_total.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, nodeOf } = require('../lib/server.js');
const { errorsTotal } = require('../lib/errors.js');

let server;
test.before(async () => { server = await startServer({ args: ['--rate-messages-per-minute', '1'] }); });
test.after(async () => { await server.stop(); });

const keys = (o) => Object.keys(o).sort();

async function general(token) {
  return (await api(server, 'GET', '/api/v1/channels', token)).body.channels.find((c) => c.name === 'general');
}

test('each kind of error arrives in the documented shape', async () => {
  const a = await register(server);
  const ch = await general(a.token);

  const noToken = await api(server, 'GET', '/api/v1/users/me');
  assert.equal(noToken.status, 401);
  assert.equal(noToken.headers.get('www-authenticate'), 'Bearer');
  assert.deepEqual(keys(noToken.body), ['error']);
  assert.deepEqual(keys(noToken.body.error), ['code', 'message']);
  assert.equal(noToken.body.error.code, 'unauthorized');

  const invalid = await api(server, 'POST', '/api/v1/messages', a.token, { content: 'no channel' });
  assert.equal(invalid.status, 422);
  assert.deepEqual(invalid.body, { error: { code: 'validation_error', field: 'channel_id', message: 'channel_id is required' } });

  const missing = await api(server, 'GET', '/api/v1/messages/00000000-0000-0000-0000-000000000000', a.token);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'not_found');

  const badJson = await api(server, 'POST', '/api/v1/messages', a.token, '{"channel_id":', { 'Content-Type': 'application/json' });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.body.error.code, 'invalid_json');

  // One message a minute: the second is refused with retry_after and Retry-After.
  // Both to one node process (nodeOf: never through a balancer, which would
  // spread them): a cluster may overshoot a limit by about one action per
  // node (docs/cluster.md "Limits"; cluster/limits.test.js counts across nodes).
  const node = nodeOf(server);
  assert.equal((await api(node, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'one' })).status, 201);
  const limited = await api(node, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'two' });
  assert.equal(limited.status, 429);
  assert.deepEqual(keys(limited.body.error), ['code', 'message', 'retry_after']);
  assert.equal(limited.body.error.code, 'rate_limited');
  assert.ok(limited.body.error.retry_after > 0);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
});

test('switchboard_errors_total grows by exactly the number of error responses', async () => {
  const a = await register(server);
  const ch = await general(a.token);
  const before = await errorsTotal(server);
  // Each request is answered before the next is sent, so the answers are the barrier.
  const provoked = [
    await api(server, 'GET', '/api/v1/users/me'),                                                  // 401
    await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: 42 }),                     // 422
    await api(server, 'GET', '/api/v1/channels/nope', a.token),                                     // 404
    await api(server, 'POST', '/api/v1/workspaces', a.token, '[1]', { 'Content-Type': 'application/json' }), // 400
    await api(server, 'POST', '/api/v1/uploads', a.token, 'not multipart', { 'Content-Type': 'text/plain' }), // 400
  ];
  assert.deepEqual(provoked.map((r) => r.status), [401, 422, 404, 400, 400]);
  // Successes in between count nothing.
  assert.equal((await api(server, 'GET', '/api/v1/users/me', a.token)).status, 200);
  assert.equal((await api(server, 'GET', `/api/v1/channels/${ch.id}/messages`, a.token)).status, 200);
  assert.equal(await errorsTotal(server), before + provoked.length);
});
