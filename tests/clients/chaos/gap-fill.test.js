'use strict';
// A gap fill that cannot read the database (docs/cluster.md "Order and gap fill"):
// node 2 misses events (Redis is killed while node 1 commits them), and when
// Redis is back its reads of the event log fail (its PostgreSQL role lost
// SELECT on channel_events; node 1 keeps writing). Node 2 must not deliver past
// the gap: the newer events that reach it live wait, the fill is retried, and
// once the reads work again its subscriber gets every event exactly once, in
// seq order. The failure is logged once, not per event.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { api, register } = require('../lib/server.js');
const { startRedis, clusterMissing } = require('../lib/cluster.js');
const { waitUntil, restSend, FlatClient } = require('./chaos.js');
const { startRoleCluster } = require('./role-cluster.js');

const awaitingFill = async (server) => Number((await api(server, 'GET', '/metrics')).text.match(/^switchboard_cluster_channels_awaiting_fill (\d+)$/m)?.[1]);
const warnings = (server) => (server.proc.stderrText.match(/gap fill failed/g) || []).length;

function redisCli(port, ...args) {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
}

const missing = clusterMissing();
if (missing) {
  test('gap fill while the database cannot be read', { skip: `skipped: ${missing}` }, () => {});
} else {
  test('a node whose gap fill fails holds later events and delivers every one once, in order, when reads work again', async (t) => {
    const cluster = await startRoleCluster({ args: ['--rate-messages-per-minute', '0'] });
    const [node1, node2] = cluster.nodes;
    let receiver;
    try {
      const writer = await register(node1);
      const reader = await register(node1);
      const general = (await api(node1, 'GET', '/api/v1/channels', writer.token)).body.channels.find((x) => x.name === 'general').id;
      receiver = new FlatClient('receiver', node2, reader.token, general);
      await receiver.open();
      const sent = [];
      const post = async (content) => {
        const r = await restSend(node1, writer.token, general, content);
        assert.equal(r.ok, true, `${content} is acknowledged: ${JSON.stringify(r)}`);
        sent.push({ id: r.id, seq: r.seq, content });
      };
      await post('m1');
      await waitUntil(() => receiver.received.length === 1, 'node 2 delivers m1 live');

      // Node 2 loses its reads of the event log; then misses m2..m4 (Redis is down).
      cluster.psql('REVOKE SELECT ON channel_events FROM node2;');
      const gone = new Promise((resolve) => cluster.redis.proc.on('exit', resolve));
      cluster.redis.proc.kill('SIGKILL');
      await gone;
      for (const m of ['m2', 'm3', 'm4']) await post(m);
      cluster.redis = await startRedis(cluster.redis.port);
      const redis = cluster.redis;
      // Both nodes back on Redis (a command and a subscriber connection each),
      // and node 2 has tried its catch-up fill, which failed.
      await waitUntil(() => redisCli(redis.port, 'CLIENT', 'LIST').trim().split('\n').length >= 5, 'four node connections to the new Redis');
      await waitUntil(() => Number(redisCli(redis.port, 'PUBSUB', 'NUMSUB', `sb:c:${general}`).trim().split('\n')[1]) === 1, 'node 2 subscribed again');
      await waitUntil(() => warnings(node2) > 0, 'node 2 logs the failed fill', 10000);

      // m5 and m6 reach node 2 live, behind its gap: they must wait.
      await post('m5');
      await post('m6');
      // Barrier: a channel created after them travels on node 1's same Redis
      // connection, after m5 and m6; once node 2's client has it, node 2 has had them.
      const created = receiver.frame('channel_created', 15000);
      const side = await api(node1, 'POST', '/api/v1/channels', writer.token, { name: `side-${process.pid}` });
      assert.equal(side.status, 201);
      await created;
      assert.deepEqual(receiver.received.map((r) => r.id), [sent[0].id], 'nothing past the gap is delivered while the fill fails');
      assert.equal(await awaitingFill(node2), 1, 'node 2 reports its waiting channel in /metrics');

      // Reads work again: the retry fills m2..m4, then the held m5 and m6 follow.
      cluster.psql('GRANT SELECT ON channel_events TO node2;');
      const grantedAt = Date.now();
      await waitUntil(() => receiver.received.length >= 6, () => `node 2 delivers m2..m6 after the grant; has ${receiver.received.map((r) => r.seq)}`, 20000);
      const filledMs = Date.now() - grantedAt;
      // Barrier: a later message comes live after all of them, and nothing else came before it.
      await post('m7');
      await waitUntil(() => receiver.received.some((r) => r.id === sent[6].id), 'm7 arrives live');
      await receiver.settle();
      assert.deepEqual(receiver.received.map((r) => r.id), sent.map((m) => m.id), 'every message once, in order');
      for (let i = 1; i < receiver.received.length; i++)
        assert.equal(receiver.received[i].seq, receiver.received[i - 1].seq + 1, 'seq +1 steps');
      assert.equal(warnings(node2), 1, 'the failed fill is logged once for the outage');
      assert.equal(await awaitingFill(node2), 0, 'and none once it is filled');
      t.diagnostic(`node 2 delivered the gap and the held events ${filledMs} ms after reads were granted again (retry backoff up to 2 s)`);
    } finally {
      receiver?.close();
      await cluster.stop();
    }
  });
}
