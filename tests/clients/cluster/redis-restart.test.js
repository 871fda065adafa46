'use strict';
// No gaps between nodes (docs/cluster.md#gap-fill): Redis is SIGKILLed, node 1
// commits messages while it is down (their PUBLISHes fail), Redis restarts on
// the same port. Nodes 2 and 3 catch up from PostgreSQL when their subscriber
// is back (RedisSubscriber::resubscribed), so their clients get every missed
// message, gapless and in seq order, and a later message after them.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');

const missing = clusterMissing();
if (missing) {
  test('redis restart', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster;
  test.after(async () => { await cluster?.stop(); });

  test('messages committed while Redis is down reach the other nodes in seq order after it returns', async () => {
    cluster = await startCluster({ nodes: 3, args: ['--rate-messages-per-minute', '0'] });
    const [n1, n2, n3] = cluster.nodes;
    const u = await register(n1);
    const general = (await api(n1, 'GET', '/api/v1/channels', u.token)).body.channels.find((x) => x.name === 'general').id;
    const workspaceId = (await api(n1, 'GET', '/api/v1/workspaces', u.token)).body.workspaces.find((w) => w.is_default).id;
    const flat = await JsonSocket.open(`${n3.wsBase}/ws?token=${u.token}`);
    await flat.next('connection_established');
    flat.send({ type: 'join_channel', channel_id: general });
    await flat.next('channel_joined');
    const ws = await JsonSocket.open(`${n2.wsBase}/ws/${workspaceId}?token=${u.token}`);
    ws.send({ type: 'ping' });
    await ws.next('pong');

    // Before: delivered live, which also proves both nodes are subscribed.
    const before = await api(n1, 'POST', '/api/v1/messages', u.token, { channel_id: general, content: 'before' });
    const first = await flat.next((m) => m.type === 'new_message' && m.data.id === before.body.id);
    await ws.next((m) => m.type === 'message.new' && m.data.id === before.body.id);

    await cluster.killRedis();
    const missed = [];
    for (let i = 0; i < 5; i++) {
      const r = await api(n1, 'POST', '/api/v1/messages', u.token, { channel_id: general, content: `while down ${i}` });
      assert.equal(r.status, 201, 'PostgreSQL commits without Redis');
      missed.push(r.body.id);
    }
    await cluster.restartRedis();

    const flatGot = [];
    while (flatGot.length < 5) {
      const m = await flat.next((x) => x.type === 'new_message');
      flatGot.push({ id: m.data.id, seq: m.seq });
    }
    assert.deepEqual(flatGot.map((x) => x.id), missed, 'node 3 got the missed messages in commit order');
    flatGot.forEach((x, i) => assert.equal(x.seq, first.seq + 1 + i, 'gapless seq'));
    const wsGot = [];
    while (wsGot.length < 5) {
      const m = await ws.next((x) => x.type === 'message.new');
      wsGot.push({ id: m.data.id, seq: m.data.seq });
    }
    assert.deepEqual(wsGot, flatGot, 'node 2 the same');

    // After: written on node 3 itself, delivered after the caught-up ones.
    flat.send({ type: 'send_message', channel_id: general, content: 'after' });
    const after = await flat.next((m) => m.type === 'new_message');
    assert.equal(after.data.content, 'after');
    assert.equal(after.seq, first.seq + 6);
    await flat.close();
    await ws.close();
  });
}
