'use strict';
// Polling session ids name their node (docs/cluster.md, "Behind a load
// balancer"), and a node asked about another node's session gives the
// protocol's normal "unknown session" answer, so a client that reaches the
// wrong node (no balancer, or its node went away) starts a new session. Direct
// requests, no HAProxy: two nodes on a real PostgreSQL and redis-server, and a
// single server without --redis, which keeps untagged ids.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const sio = require('../socketio/sio.js');

const missing = clusterMissing();

async function lp(server, method, query, body) {
  const r = await fetch(`${server.base}/socket/longpoll?${query}`, { method, body });
  assert.equal(r.status, 200, 'long-poll answers are always HTTP 200');
  return r.json();
}

test('without --redis: Engine.IO sids and long-poll tokens keep their untagged form', async () => {
  const server = await startServer();
  try {
    const { sid } = await sio.pollingHandshake(server);
    assert.match(sid, /^[A-Za-z0-9_-]{20}$/);
    const a = await register(server);
    const open = await lp(server, 'GET', `token=${a.token}&vsn=2.0.0`);
    assert.equal(open.status, 410);
    assert.match(open.token, /^[A-Za-z0-9_-]{32}$/);
  } finally {
    await server.stop();
  }
});

if (missing) {
  test('unknown sessions across nodes', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, n1, n2, alice;

  test.before(async () => {
    cluster = await startCluster({ nodes: 2 });
    [n1, n2] = cluster.nodes;
    alice = await register(n1);
  });
  test.after(async () => { await cluster?.stop(); });

  test('Engine.IO: a sid of node1 is "Session ID unknown" on node2 (poll, post, upgrade); node1 still serves it', async () => {
    const { sid } = await sio.pollingHandshake(n1);
    assert.match(sid, /^node1\.[A-Za-z0-9_-]{20}$/);
    const unknown = { code: 1, message: 'Session ID unknown' };

    const get = await sio.poll(n2, { sid });
    assert.equal(get.status, 400);
    assert.deepEqual(JSON.parse(get.text), unknown);
    const post = await sio.post(n2, sid, `40${JSON.stringify({ token: alice.token })}`);
    assert.equal(post.status, 400);
    assert.deepEqual(JSON.parse(post.text), unknown);
    const upgrade = await sio.RawSocket.open(n2, { sid }).then(() => null, (e) => e);
    assert.equal(upgrade?.statusCode, 400, 'the WebSocket upgrade with a foreign sid is refused');

    // node1 still has the session: the CONNECT goes through and is answered.
    assert.equal((await sio.post(n1, sid, `40${JSON.stringify({ token: alice.token })}`)).text, 'ok');
    const reply = await sio.poll(n1, { sid });
    assert.equal(reply.status, 200);
    assert.match(reply.text, /^40\{.*"sid":/);

    // And node2 opens sessions of its own.
    assert.match((await sio.pollingHandshake(n2)).sid, /^node2\./);
  });

  test('Phoenix long-poll: a token of node1 is {"status":410} on node2 (GET and POST); node1 still serves it', async () => {
    const open = await lp(n1, 'GET', `token=${alice.token}&vsn=2.0.0`);
    assert.equal(open.status, 410);
    assert.match(open.token, /^node1\.[A-Za-z0-9_-]{32}$/);
    const q = `token=${alice.token}&vsn=2.0.0&token=${encodeURIComponent(open.token)}`;

    assert.deepEqual(await lp(n2, 'GET', q), { status: 410 });
    assert.deepEqual(await lp(n2, 'POST', q, JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}])), { status: 410 });

    assert.deepEqual(await lp(n1, 'POST', q, JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}])), { status: 200 });
    const got = await lp(n1, 'GET', q);
    assert.equal(got.status, 200);
    assert.equal(got.token, open.token);
    assert.deepEqual(JSON.parse(got.messages[0]), [null, '1', 'phoenix', 'phx_reply', { response: {}, status: 'ok' }]);

    const other = await lp(n2, 'GET', `token=${alice.token}&vsn=2.0.0`);
    assert.match(other.token, /^node2\./);
  });

  test('a node id with unsafe characters becomes a safe tag', async () => {
    // The tag is also what HAProxy's server name must be: docs/cluster.md.
    const odd = await startServer({ args: ['--database', cluster.pgUrl, '--redis', cluster.redis.url, '--node-id', 'eu.west/2'] });
    try {
      assert.match((await sio.pollingHandshake(odd)).sid, /^eu-west-2\.[A-Za-z0-9_-]{20}$/);
    } finally {
      await odd.stop();
    }
  });
}
