'use strict';
// Cluster mode through HAProxy (lib/cluster-mode.js ROUTERS.haproxy,
// docs/cluster.md "Every dialect suite on a cluster"): what a dialect suite
// gets from startServer() with SWITCHBOARD_TEST_CLUSTER=3 and
// SWITCHBOARD_TEST_CLUSTER_VIA=haproxy, set here before the harness reads them.
process.env.SWITCHBOARD_TEST_CLUSTER = '3';
process.env.SWITCHBOARD_TEST_CLUSTER_VIA = 'haproxy';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api, oneNode, nodeOf } = require('../lib/server.js');
const { clusterMissing } = require('../lib/cluster.js');
const { haproxyMissing } = require('../lib/haproxy.js');
const sio = require('../socketio/sio.js');
const { tagOf } = require('./edge.js');

const refused = (base) => fetch(`${base}/readyz`).then(() => false, () => true);

const missing = clusterMissing() || haproxyMissing();
if (missing) {
  test('cluster mode through HAProxy', { skip: `skipped: ${missing}` }, () => {});
} else {
  test('every endpoint is the HAProxy frontend; raw polling sessions opened through it spread over the nodes and are routed by their tag', async () => {
    const server = await startServer();
    try {
      const nodePorts = server.nodes.map((n) => n.port);
      const bases = new Set(Array.from({ length: 6 }, () => server.base));
      assert.equal(bases.size, 1, 'one endpoint');
      assert.ok(!nodePorts.includes(server.port), 'not a node: the balancer');
      assert.equal(server.base, `http://127.0.0.1:${server.port}`);
      assert.equal(server.wsBase, `ws://127.0.0.1:${server.port}`);
      assert.equal(oneNode(server).base, server.base, 'polling is not pinned to a node');
      assert.equal(nodeOf(server).port, nodePorts[0], 'nodeOf is a node itself');

      const alice = await register(server);
      const sids = [];
      for (let i = 0; i < 6; i++) sids.push((await sio.pollingHandshake(server)).sid);
      const tags = sids.map(tagOf);
      assert.deepEqual([...new Set(tags)].sort(), ['node1', 'node2', 'node3'], `handshakes spread: ${tags}`);
      for (const sid of sids) {
        assert.equal(nodeOf(server, sid).port, nodePorts[Number(tagOf(sid).slice(4)) - 1], 'nodeOf(server, sid) is its owner');
        // Only the owner accepts the CONNECT ("Session ID unknown" anywhere
        // else), and its answer comes back on the next poll.
        const connect = await sio.post(server, sid, `40${JSON.stringify({ token: alice.token })}`);
        assert.equal(connect.text, 'ok', `POST for ${sid}`);
        const reply = await sio.poll(server, { sid });
        assert.equal(reply.status, 200);
        assert.match(reply.text, /^40\{.*"sid":/);
      }
    } finally {
      await server.stop();
    }
  });

  test('kill() and startServer({ port, dataDir }) bring the cluster back at the balancer\'s address; stop() stops HAProxy', async () => {
    const server = await startServer();
    const { base, port, dataDir } = server;
    const alice = await register(server);
    await server.kill();
    assert.ok(await refused(base), 'nothing listens while the cluster is down');
    const again = await startServer({ port, dataDir });
    try {
      assert.equal(again.base, base);
      const r = await api(again, 'GET', '/api/v1/channels', alice.token);
      assert.equal(r.status, 200, 'same database: the user and token are still good');
    } finally {
      await again.stop();
    }
    assert.ok(await refused(base), 'HAProxy is gone after stop()');
  });
}
