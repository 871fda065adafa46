'use strict';
// The directory across nodes (docs/cluster.md, "Accounts and memberships
// across nodes"): three nodes on one PostgreSQL and one redis-server. A user
// registered on one node is known at once on the others (a balancer sends the
// next request anywhere); a channel made on one node is usable on the next at
// once; a member added on one node hears it and follows the channel on another;
// a logout or a disable on one node closes the user's connections on the
// others, each with its dialect's auth error, and the others refuse the token.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const sio = require('../socketio/sio.js');

const ADMIN_TOKEN = 'cluster-accounts-admin-token-0123456789';
const missing = clusterMissing();
if (missing) {
  test('the directory across nodes', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, n1, n2, n3;

  test.before(async () => {
    cluster = await startCluster({ nodes: 3, args: ['--admin-token', ADMIN_TOKEN] });
    [n1, n2, n3] = cluster.nodes;
  });

  test.after(async () => { await cluster?.stop(); });

  async function flat(node, token) {
    const s = await JsonSocket.open(`${node.wsBase}/ws?token=${token}`);
    await s.next('connection_established');
    return s;
  }

  test('a user registered on node 1 is known on nodes 2 and 3 at once', async () => {
    // Each request follows the registration with no wait: before the
    // read-through, the directory notice from node 1 was usually still on its way.
    for (let i = 0; i < 10; i++) {
      const u = await register(n1);
      const me = await api(i % 2 ? n2 : n3, 'GET', '/api/v1/users/me', u.token);
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.id, u.user.id);
      const s = await flat(i % 2 ? n3 : n2, u.token);
      s.ws.close();
    }
  });

  test('a private channel made on node 1 takes a member on node 2 at once, who hears it on node 3 and follows the channel', async () => {
    const a = await register(n1), b = await register(n1);
    const created = await api(n1, 'POST', '/api/v1/channels', a.token, { name: `dir-${Date.now()}`, type: 'private' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    const sb = await flat(n3, b.token);
    // No wait after the creation: node 2 may not have had the notice yet (was 404).
    const add = await api(n2, 'POST', `/api/v1/channels/${id}/members`, a.token, { user_id: b.user.id });
    assert.equal(add.status, 201, add.text);
    const joined = await sb.next((m) => m.type === 'user_joined' && m.channel_id === id);
    assert.equal(joined.user_id, b.user.id);
    // b's connection on node 3 follows the channel without joining it (was silent).
    const post = await api(n1, 'POST', '/api/v1/messages', a.token, { channel_id: id, content: 'welcome' });
    assert.equal(post.status, 201, post.text);
    await sb.next((m) => m.type === 'new_message' && m.data.id === post.body.id);
    // Removed on node 2: b hears it and no longer follows the channel on node 3.
    assert.equal((await api(n2, 'DELETE', `/api/v1/channels/${id}/members/${b.user.id}`, a.token)).status, 204);
    await sb.next((m) => m.type === 'user_left' && m.channel_id === id && m.user_id === b.user.id);
    const after = await api(n1, 'POST', '/api/v1/messages', a.token, { channel_id: id, content: 'after removal' });
    assert.equal(after.status, 201, after.text);
    // Barrier: a message in general, which b still follows, comes after it.
    const general = (await api(n1, 'GET', '/api/v1/channels', a.token)).body.channels.find((c) => c.name === 'general');
    const mark = await api(n1, 'POST', '/api/v1/messages', a.token, { channel_id: general.id, content: 'barrier' });
    await sb.next((m) => m.type === 'new_message' && m.data.id === mark.body.id);
    assert.ok(!sb.queue.some((m) => m.type === 'new_message' && m.data.id === after.body.id));
    sb.ws.close();
  });

  test('a logout on node 1 closes the token\'s connections on nodes 2 and 3, which then refuse it', async () => {
    const u = await register(n1);
    const second = await api(n1, 'POST', '/api/v1/auth/login', null, { username: u.username, password: 'password123' });
    assert.equal(second.status, 200, second.text);
    const onTwo = await flat(n2, u.token);
    const onThree = sio.connect(n3, { token: u.token, transports: ['websocket'], client: { reconnection: false } });
    const gone = new Promise((resolve) => onThree.once('disconnect', resolve));
    await sio.connected(onThree);
    const survivor = await flat(n3, second.body.access_token); // another token of the same user

    assert.equal((await api(n1, 'POST', '/api/v1/auth/logout', u.token)).status, 204);
    assert.equal((await onTwo.next('error')).error_code, 'unauthorized');
    assert.equal((await onTwo.closed).code, 1008);
    assert.equal((await sio.next(onThree, 'error')).code, 'unauthorized');
    assert.equal(await gone, 'io server disconnect');
    // Both nodes have the revocation now (they closed its connections).
    for (const node of [n2, n3]) assert.equal((await api(node, 'GET', '/api/v1/users/me', u.token)).status, 401);
    await assert.rejects(JsonSocket.open(`${n2.wsBase}/ws?token=${u.token}`), (e) => e.statusCode === 401);
    // The other token keeps its connection and works everywhere.
    await survivor.settle();
    assert.ok(!survivor.queue.some((m) => m.type === 'error'));
    for (const node of [n1, n2, n3]) assert.equal((await api(node, 'GET', '/api/v1/users/me', second.body.access_token)).status, 200);
    survivor.ws.close();
    onThree.close();
  });

  test('disabling a user on node 1 closes their connections on nodes 2 and 3, which then refuse every token', async () => {
    const u = await register(n1);
    const onTwo = await flat(n2, u.token);
    const onThree = await flat(n3, u.token);
    const admin = await JsonSocket.open(`${n1.wsBase}/admin/ws?token=${ADMIN_TOKEN}`);
    admin.send({ type: 'command', id: 'd1', command: 'disable_user', user_id: u.user.id, reason: 'account disabled' });
    const result = await admin.next((m) => m.type === 'result' && m.id === 'd1');
    assert.equal(result.ok, true, JSON.stringify(result));
    for (const s of [onTwo, onThree]) {
      assert.equal((await s.next('error')).error_code, 'unauthorized');
      assert.equal((await s.closed).code, 1008);
    }
    for (const node of [n2, n3]) assert.equal((await api(node, 'GET', '/api/v1/users/me', u.token)).status, 401);
    admin.ws.close();
  });
}
