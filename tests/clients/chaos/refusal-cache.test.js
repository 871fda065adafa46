'use strict';
// The read-through's negative cache (docs/cluster.md "Directory sync"): on a
// cluster node a refused channel request (an unknown id, a private channel the
// caller is not in) re-reads those rows from PostgreSQL once; repeating it reads
// nothing more until a directory notice arrives. Counted from PostgreSQL's own
// statement log for node 2's role. The refusal stays right: once the caller is
// added on node 1 (the notice reaches node 2 before the membership event does),
// node 2 answers the same request with the channel, and a channel created on
// node 1 a moment ago is found on node 2 at once.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { api, register, JsonSocket } = require('../lib/server.js');
const { clusterMissing } = require('../lib/cluster.js');
const { startRoleCluster } = require('./role-cluster.js');

const missing = clusterMissing();
if (missing) {
  test('refusal cache', { skip: `skipped: ${missing}` }, () => {});
} else {
  test('a repeated refused channel request costs no database read on a cluster node, and the refusal stays right', async (t) => {
    // Node 2's role has every statement logged by PostgreSQL.
    const cluster = await startRoleCluster({ roleSql: " ALTER ROLE node2 SET log_statement = 'all';" });
    const [node1, node2] = cluster.nodes;
    let socket;
    try {
      const logFile = path.join(cluster.postgres.dir, 'log');
      // Statements that name `id` since the log was `from` bytes long.
      const readsOf = (id, from) => fs.readFileSync(logFile, 'utf8').slice(from).split('\n').filter((l) => l.includes(id)).length;

      const owner = await register(node1);
      const caller = await register(node1);
      const secret = await api(node1, 'POST', '/api/v1/channels', owner.token, { name: `secret-${process.pid}`, type: 'private' });
      assert.equal(secret.status, 201);
      const secretId = secret.body.id;
      const unknownId = `no-such-channel-${process.pid}`;
      // Barrier: a channel created after all of the above reaches the caller's
      // socket on node 2 after their notices (one Redis channel, in order), so
      // no late notice clears the cache while the repeats are counted.
      socket = await JsonSocket.open(`${node2.wsBase}/ws?token=${caller.token}`);
      await socket.next('connection_established');
      const created = socket.next((m) => m.type === 'channel_created' && m.data?.name === `barrier-${process.pid}`, 15000);
      assert.equal((await api(node1, 'POST', '/api/v1/channels', owner.token, { name: `barrier-${process.pid}` })).status, 201);
      await created;

      // The first refusals read the rows; their repeats read nothing.
      const first = { secret: await api(node2, 'GET', `/api/v1/channels/${secretId}`, caller.token),
        unknown: await api(node2, 'GET', `/api/v1/channels/${unknownId}`, caller.token) };
      assert.equal(first.secret.status, 403, 'a private channel the caller is not in');
      assert.equal(first.unknown.status, 404, 'an unknown channel');
      const mark = fs.statSync(logFile).size;
      const repeats = 25;
      for (let i = 0; i < repeats; i++) {
        const s = await api(node2, 'GET', `/api/v1/channels/${secretId}`, caller.token);
        const u = await api(node2, 'GET', `/api/v1/channels/${unknownId}`, caller.token);
        assert.equal(s.status, 403);
        assert.deepEqual(s.body, first.secret.body, 'the same refusal, in the REST error shape');
        assert.equal(u.status, 404);
        assert.deepEqual(u.body, first.unknown.body);
      }
      // Each answer above came after node 2's (synchronous) reads for it, and
      // PostgreSQL logs a statement before running it: the log is complete here.
      const secretReads = readsOf(secretId, mark);
      const unknownReads = readsOf(unknownId, mark);
      t.diagnostic(`statements naming the channel id during ${repeats} repeats: private ${secretReads}, unknown ${unknownReads}`);
      assert.equal(secretReads, 0, 'repeats of a refused private channel read nothing');
      assert.equal(unknownReads, 0, 'repeats of an unknown channel read nothing');
      // The log does see node 2's reads: the first refusal's read-through is there.
      assert.ok(readsOf(unknownId, 0) >= 1, 'the first refusal was read through');

      // Added on node 1: node 2 hears the notice before the membership event,
      // so once the caller's socket on node 2 has the event, the refusal is gone.
      const joined = socket.next((m) => m.type === 'user_joined' && m.channel_id === secretId, 15000);
      const add = await api(node1, 'POST', `/api/v1/channels/${secretId}/members`, owner.token, { user_id: caller.user.id });
      assert.equal(add.status, 201);
      await joined;
      const now = await api(node2, 'GET', `/api/v1/channels/${secretId}`, caller.token);
      assert.equal(now.status, 200, `readable on node 2 right after the membership event: ${now.text}`);
      assert.equal(now.body.id, secretId);

      // A channel created on node 1 a moment ago is found on node 2 at once (read-through).
      const fresh = await api(node1, 'POST', '/api/v1/channels', owner.token, { name: `fresh-${process.pid}` });
      assert.equal(fresh.status, 201);
      const found = await api(node2, 'GET', `/api/v1/channels/${fresh.body.id}`, caller.token);
      assert.equal(found.status, 200, `a channel just created on node 1: ${found.text}`);
      // And the unknown id is still refused.
      assert.equal((await api(node2, 'GET', `/api/v1/channels/${unknownId}`, caller.token)).status, 404);
    } finally {
      socket?.ws.close();
      await cluster.stop();
    }
  });
}
