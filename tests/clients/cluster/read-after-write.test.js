'use strict';
// REST read-after-write across nodes (docs/cluster.md "Directory
// read-after-write"): a write answered by one node is seen by a read that
// starts on another node after that answer, with no wait in between. The
// writer's node answers once every other node acknowledged the directory
// notice (re-read the rows); and a channel name is unique in its workspace by
// the database itself, so two nodes creating the same name at once give one
// 201 and one 409.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');

const missing = clusterMissing();
if (missing) {
  test('REST read-after-write across nodes', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, n1, n2, n3;
  test.before(async () => {
    cluster = await startCluster({ nodes: 3, args: ['--rate-joins-per-minute', '0', '--rate-messages-per-minute', '0'] });
    [n1, n2, n3] = cluster.nodes;
  });
  test.after(async () => { await cluster?.stop(); });

  test('a workspace member added on node 1 is listed by node 2 right after the answer', async () => {
    const a = await register(n1), b = await register(n1);
    for (let i = 0; i < 15; i++) {
      const ws = await api(n1, 'POST', '/api/v1/workspaces', a.token, { name: `raw-${i}` });
      assert.equal(ws.status, 201, ws.text);
      // Node 2 learns of the workspace itself by the notice (b is no member yet).
      const add = await api(n1, 'POST', `/api/v1/workspaces/${ws.body.id}/members`, a.token, { user_id: b.user.id });
      assert.equal(add.status, 201, add.text);
      const list = await api(n2, 'GET', '/api/v1/workspaces', b.token);
      assert.ok(list.body.workspaces.some((w) => w.id === ws.body.id), `round ${i}: node 2 lists the new membership`);
    }
  });

  test('a channel deleted on node 1 is gone on node 2 right after the answer', async () => {
    const a = await register(n1);
    for (let i = 0; i < 15; i++) {
      const ch = await api(n1, 'POST', '/api/v1/channels', a.token, { name: `gone-${i}-${Date.now()}`, type: 'public' });
      assert.equal(ch.status, 201, ch.text);
      // Node 2 knows the channel (it answers), then node 1 deletes it.
      assert.equal((await api(n2, 'GET', `/api/v1/channels/${ch.body.id}/messages`, a.token)).status, 200);
      assert.equal((await api(n1, 'DELETE', `/api/v1/channels/${ch.body.id}`, a.token)).status, 204);
      const after = await api(n2, 'GET', `/api/v1/channels/${ch.body.id}/messages`, a.token);
      assert.equal(after.status, 404, `round ${i}: ${after.text}`);
      assert.equal((await api(n3, 'DELETE', `/api/v1/channels/${ch.body.id}`, a.token)).status, 404, `round ${i}`);
    }
  });

  test('a channel name taken on node 1 is refused on node 2 right after the answer (409)', async () => {
    const a = await register(n1);
    for (let i = 0; i < 15; i++) {
      const name = `taken-${i}-${Date.now()}`;
      assert.equal((await api(n1, 'POST', '/api/v1/channels', a.token, { name, type: 'public' })).status, 201);
      const dup = await api(n2, 'POST', '/api/v1/channels', a.token, { name: name.toUpperCase(), type: 'public' });
      assert.equal(dup.status, 409, `round ${i}: ${dup.text}`);
      assert.equal(dup.body.error.code, 'conflict', dup.text);
    }
  });

  test('the same channel name created on two nodes at once: one 201, one 409 (the database decides)', async () => {
    const a = await register(n1);
    for (let i = 0; i < 15; i++) {
      const name = `race-${i}-${Date.now()}`;
      const answers = await Promise.all([n1, n2].map((n) => api(n, 'POST', '/api/v1/channels', a.token, { name, type: 'public' })));
      const codes = answers.map((r) => r.status).sort();
      assert.deepEqual(codes, [201, 409], `round ${i}: ${answers.map((r) => r.text).join(' | ')}`);
      const lists = await Promise.all([n1, n2, n3].map((n) => api(n, 'GET', '/api/v1/channels', a.token)));
      for (const l of lists) assert.equal(l.body.channels.filter((c) => c.name === name).length, 1, `round ${i}`);
    }
  });
}
