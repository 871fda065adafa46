'use strict';
// A node SIGKILLed under write load (docs/cluster.md#chaos-tests): three nodes,
// a flat JSON client (writer and receiver) and two REST writers on each, all
// sending to one channel with every ack recorded. Node 3 is killed with -9;
// its flat JSON client reconnects straight to node 1 and resumes with
// last_seq, its REST writers carry on at nodes 2 and 1. In the end every
// acknowledged message (from every node) is in the history exactly once and
// in every surviving client's received stream exactly once, in seq order
// (+1 steps), the reconnected client's included: what it missed came in the
// resume (which may follow live events of higher seq, as documented). A write in flight on node 3 when it died has no known outcome: it
// may be committed, and then it must be everywhere too.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const { waitUntil, history, checkCommitted, UNKNOWN_OUTCOME, FlatClient, RestClient, WriteLoop } = require('./chaos.js');

const missing = clusterMissing();
if (missing) {
  test('node kill', { skip: `skipped: ${missing}` }, () => {});
} else {
  test('SIGKILL of a node under write load: its clients move to another node, nothing acknowledged is lost or doubled', async (t) => {
    const cluster = await startCluster({ nodes: 3, args: ['--rate-messages-per-minute', '0'] });
    const nodes = cluster.nodes;
    const [n1, n2, n3] = nodes;
    const clients = [];
    const loops = [];
    try {
      const users = [];
      for (let i = 0; i < 9; i++) users.push(await register(n1));
      const general = (await api(n1, 'GET', '/api/v1/channels', users[0].token)).body.channels.find((x) => x.name === 'general').id;
      const flats = nodes.map((n, i) => new FlatClient(`flat${i + 1}`, n, users[i].token, general));
      // Two REST writers per node: more writes in flight at any moment.
      const rests = [...nodes, ...nodes].map((n, i) => new RestClient(`rest${i + 1}`, n, users[3 + i].token, general));
      clients.push(...flats, ...rests);
      for (const c of clients) await c.open();
      const clock = { phase: 'before' };
      loops.push(...clients.map((c) => new WriteLoop(c, `${c.name}-${process.pid}`, clock, 1).start()));
      await waitUntil(() => loops.every((l) => l.acked().length >= 5), 'five acks per writer before the kill');

      clock.phase = 'killed';
      await n3.kill('SIGKILL');
      const killedAt = Date.now();
      rests[2].node = n2;
      rests[5].node = n1;
      const lastSeq = await flats[2].reconnect(n1);
      const reconnectedMs = Date.now() - killedAt;
      clock.phase = 'after';
      await waitUntil(() => loops.every((l) => l.count((r) => r.ok && r.sentIn === 'after') >= 5), 'five acks per writer after the kill');
      await Promise.all(loops.map((l) => l.stop()));

      const ours = checkCommitted(await history(n1, users[0].token, general), loops);
      const lastId = ours[ours.length - 1].id;
      for (const f of flats) {
        await waitUntil(() => f.received.some((r) => r.id === lastId), () => `${f.name} receives the last message (seq ${ours[ours.length - 1].seq}); it has ${f.received.length} of ${ours.length}, up to ${JSON.stringify(f.received[f.received.length - 1])}; missing seqs ${ours.filter((m) => !f.received.some((r) => r.id === m.id)).map((m) => m.seq).slice(0, 20)}`, 10000);
        await f.settle();
        // The reconnected client's new connection follows the channel from the
        // connect, so events between it and the join arrive live before the
        // replay fills the lower seqs (docs/api/flatjson.md#resume): it orders
        // by seq, as the documented client does. The others never left: arrival order.
        const ids = f.received.map((r) => r.id);
        assert.equal(new Set(ids).size, ids.length, `${f.name}: no event twice`);
        const stream = f === flats[2] ? [...f.received].sort((a, b) => a.seq - b.seq) : f.received;
        assert.deepEqual(stream.map((r) => r.id), ours.map((m) => m.id), `${f.name}: every committed message once, in seq order`);
        for (let i = 1; i < stream.length; i++) assert.equal(stream[i].seq, stream[i - 1].seq + 1, `${f.name}: seq +1 steps`);
      }

      const all = loops.flatMap((l) => l.results);
      const inFlight = all.filter((r) => UNKNOWN_OUTCOME.has(r.code));
      const committedInFlight = inFlight.filter((r) => ours.some((m) => m.content === r.content));
      const resumed = flats[2].received.filter((r) => r.seq > lastSeq).length;
      t.diagnostic(`writes ${all.length}, acked ${all.filter((r) => r.ok).length}, in the history ${ours.length}; in flight at the kill ${inFlight.length} (committed ${committedInFlight.length})`);
      t.diagnostic(`flat3 reconnected to node 1 ${reconnectedMs} ms after the kill, resumed from seq ${lastSeq}; it received ${resumed} events after that`);
    } finally {
      for (const l of loops) l.running = false;
      await Promise.all(loops.map((l) => l.done));
      for (const c of clients) c.close();
      await cluster.stop();
    }
  });
}
