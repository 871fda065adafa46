'use strict';
// The directory across nodes (docs/cluster.md#directory): users, workspaces
// and channels made on one node are usable on another at once, without
// waiting for that node to hear the change over Redis: a node that does not
// know a user or a channel yet reads it from the shared database before it
// answers. Deletions reach the other nodes too, and a change makes the other
// nodes read only the rows it touched.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');

const missing = clusterMissing();
if (missing) {
  test('directory across nodes', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, n1, n2, n3, general;
  test.before(async () => {
    cluster = await startCluster({ nodes: 3, args: ['--rate-joins-per-minute', '0', '--rate-messages-per-minute', '0'] });
    [n1, n2, n3] = cluster.nodes;
    const u = await register(n1);
    general = (await api(n1, 'GET', '/api/v1/channels', u.token)).body.channels.find((c) => c.name === 'general').id;
  });
  test.after(async () => { await cluster?.stop(); });

  test('registered on node 1, then at once: login on node 2, a socket and a join on node 3 with node 1\'s token', async () => {
    for (let i = 0; i < 20; i++) {
      const u = await register(n1);
      // No wait of any kind between the registration and these.
      const [login, socket] = await Promise.all([
        api(n2, 'POST', '/api/v1/auth/login', null, { username: u.username, password: 'password123' }),
        JsonSocket.open(`${n3.wsBase}/ws?token=${u.token}`),
      ]);
      assert.equal(login.status, 200, `round ${i}: ${login.text}`);
      assert.equal(login.body.user.id, u.user.id);
      assert.equal((await socket.next((m) => m.type === 'connection_established' || m.type === 'error')).type,
        'connection_established', `round ${i}`);
      socket.send({ type: 'join_channel', channel_id: general });
      assert.equal((await socket.next((m) => m.type === 'channel_joined' || m.type === 'error')).type, 'channel_joined',
        `round ${i}`);
      await socket.close();
    }
  });

  test('registrations racing on every node: every node lists them all in general, and every node delivers each one\'s user_joined', async () => {
    // A node re-reads general whenever another node's notice comes; such a
    // re-read could land between its own registration's commit and that
    // commit's callback, which then took the user for "already a member" and
    // sent neither the user_joined nor the notice: the other nodes kept a
    // short member list for good. And a gap fill could read another node's
    // user_joined before that node's notice of the user: sent without a user.
    const watchers = [];
    for (const node of cluster.nodes) {
      const w = await register(node);
      const s = await JsonSocket.open(`${node.wsBase}/ws?token=${w.token}`);
      await s.next('connection_established');
      s.send({ type: 'join_channel', channel_id: general });
      await s.next('channel_joined');
      watchers.push(s);
    }
    const users = await Promise.all(Array.from({ length: 150 }, (_, i) => register(cluster.nodes[i % 3])));
    // Barrier: one more registration on each node, answered only after every
    // node applied that node's notices so far (REST read-after-write).
    const last = [];
    for (const node of cluster.nodes) last.push(await register(node));
    const ids = users.map((u) => u.user.id);
    for (const [i, node] of cluster.nodes.entries()) {
      const listed = new Set((await api(node, 'GET', `/api/v1/channels/${general}`, users[0].token)).body.member_ids);
      const missingHere = ids.filter((id) => !listed.has(id));
      assert.deepEqual(missingHere, [], `node ${i + 1} lists ${ids.length - missingHere.length} of ${ids.length}`);
    }
    for (const [i, s] of watchers.entries()) {
      const want = new Set([...ids, ...last.map((u) => u.user.id)]);
      while (want.size) {
        const m = await s.next((x) => x.type === 'user_joined' && x.channel_id === general && want.has(x.user_id), 10000)
          .catch(() => assert.fail(`node ${i + 1}'s watcher: no user_joined for ${want.size} of them`));
        want.delete(m.user_id);
      }
      await s.close();
    }
  });

  test('a channel created on node 1 is joined at once on node 2, and its deletion reaches node 2', async () => {
    const owner = await register(n1);
    const other = await register(n1);
    for (let i = 0; i < 10; i++) {
      const created = await api(n1, 'POST', '/api/v1/channels', owner.token, { name: `dir${i}-${Date.now()}`.slice(0, 40), type: 'public' });
      assert.equal(created.status, 201, created.text);
      const joined = await api(n2, 'POST', `/api/v1/channels/${created.body.id}/join`, other.token);
      assert.equal(joined.status, 200, `round ${i}: ${joined.text}`);
    }
    const doomed = await api(n1, 'POST', '/api/v1/channels', owner.token, { name: `doomed${Date.now()}`.slice(0, 40), type: 'public' });
    const id = doomed.body.id;
    const watcher = await JsonSocket.open(`${n2.wsBase}/ws?token=${other.token}`);
    await watcher.next('connection_established');
    watcher.send({ type: 'join_channel', channel_id: id });
    await watcher.next('channel_joined');
    assert.equal((await api(n2, 'GET', `/api/v1/channels/${id}`, other.token)).status, 200);
    assert.equal((await api(n1, 'DELETE', `/api/v1/channels/${id}`, owner.token)).status, 204);
    // The barrier: node 2 delivers the deletion after it applied the directory
    // notice (one Redis connection carries both, in that order).
    await watcher.next((m) => m.type === 'channel_deleted' && m.channel_id === id);
    assert.equal((await api(n2, 'GET', `/api/v1/channels/${id}`, other.token)).status, 404);
    const list = (await api(n2, 'GET', '/api/v1/channels', other.token)).body.channels;
    assert.ok(!list.some((c) => c.id === id), 'gone from node 2\'s list');
    await watcher.close();
  });
}
