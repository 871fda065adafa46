'use strict';
// Redis restarted under write load (docs/cluster.md#chaos-tests): three nodes,
// a flat JSON client (writer and receiver) and two REST writers on each, all
// sending to one channel. redis-server is SIGKILLed while they write, the
// writes go on (PostgreSQL commits them), and a fresh redis-server starts on
// the same port. Every receiver on every node then has every acknowledged
// message exactly once, in seq order (+1 steps, no duplicates), and the nodes
// subscribed again by themselves: a message posted on one node afterwards
// reaches the others with no local write there to trigger a database fill.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const { waitUntil, history, checkCommitted, restSend, FlatClient, RestClient, WriteLoop } = require('./chaos.js');

const missing = clusterMissing();
if (missing) {
  test('redis restart under load', { skip: `skipped: ${missing}` }, () => {});
} else {
  test('Redis killed and restarted under write load: no acknowledged message lost, doubled or reordered on any node', async (t) => {
    const cluster = await startCluster({ nodes: 3, args: ['--rate-messages-per-minute', '0'] });
    const nodes = cluster.nodes;
    const clients = [];
    const loops = [];
    try {
      const users = [];
      for (let i = 0; i < 9; i++) users.push(await register(nodes[0]));
      const general = (await api(nodes[0], 'GET', '/api/v1/channels', users[0].token)).body.channels.find((x) => x.name === 'general').id;
      const flats = nodes.map((n, i) => new FlatClient(`flat${i + 1}`, n, users[i].token, general));
      // Two REST writers per node: more writes in flight at any moment.
      const rests = [...nodes, ...nodes].map((n, i) => new RestClient(`rest${i + 1}`, n, users[3 + i].token, general));
      clients.push(...flats, ...rests);
      for (const c of clients) await c.open();
      const clock = { phase: 'before' };
      loops.push(...clients.map((c) => new WriteLoop(c, `${c.name}-${process.pid}`, clock, 1).start()));
      await waitUntil(() => loops.every((l) => l.acked().length >= 5), 'five acks per writer before Redis goes');

      await cluster.killRedis();
      clock.phase = 'down';
      await waitUntil(() => loops.every((l) => l.count((r) => r.ok && r.sentIn === 'down') >= 3), 'three acks per writer while Redis is down');
      await cluster.restartRedis();
      const upAt = Date.now();
      clock.phase = 'up';
      await waitUntil(() => loops.every((l) => l.count((r) => r.ok && r.sentIn === 'up') >= 5), 'five acks per writer after Redis is back');
      await Promise.all(loops.map((l) => l.stop()));

      let ours = checkCommitted(await history(nodes[0], users[0].token, general), loops);
      const stoppedMs = Date.now() - upAt;
      for (const f of flats) {
        const lastId = ours[ours.length - 1].id;
        await waitUntil(() => f.received.some((r) => r.id === lastId), () => `${f.name} receives the last message; has ${f.received.length} of ${ours.length}`, 15000);
      }
      const caughtUpMs = Date.now() - upAt;
      // Re-subscribed: with the writers stopped, a message from node 1 reaches
      // nodes 2 and 3 only through Redis.
      const probe = await restSend(nodes[0], users[3].token, general, `rest1-${process.pid} probe`);
      assert.equal(probe.ok, true, 'a write after the restart is acknowledged');
      loops[3].results.push({ ...probe, content: `rest1-${process.pid} probe`, writer: loops[3].prefix, sentIn: 'end', answeredIn: 'end' });
      for (const f of flats) await waitUntil(() => f.received.some((r) => r.id === probe.id), `${f.name} receives the probe live`, 10000);
      ours = checkCommitted(await history(nodes[0], users[0].token, general), loops);
      for (const f of flats) {
        await f.settle();
        assert.deepEqual(f.received.map((r) => r.id), ours.map((m) => m.id), `${f.name}: every message once, in order`);
        for (let i = 1; i < f.received.length; i++) assert.equal(f.received[i].seq, f.received[i - 1].seq + 1, `${f.name}: seq +1 steps`);
      }
      const all = loops.flatMap((l) => l.results);
      t.diagnostic(`writes ${all.length}, acked ${all.filter((r) => r.ok).length} (${all.filter((r) => r.ok && r.sentIn === 'down').length} while Redis was down), failed ${all.filter((r) => !r.ok).length}`);
      t.diagnostic(`writers stopped ${stoppedMs} ms after the restart; every receiver had every message ${caughtUpMs} ms after it`);
    } finally {
      for (const l of loops) l.running = false;
      await Promise.all(loops.map((l) => l.done));
      for (const c of clients) c.close();
      await cluster.stop();
    }
  });
}
