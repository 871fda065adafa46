'use strict';
// Admin actions across nodes (docs/cluster.md "The console and the cluster"):
// two nodes on a throwaway PostgreSQL and redis-server (lib/cluster.js), a
// console on node 1. Times command -> result for a disconnect aimed at node 2
// (an id it does not hold: the full ask/answer round trip over Redis, nothing
// closed) and, for comparison, the same on node 1's own connections.
// Prints p50/p99/max in ms.
// Usage: node bench/cluster-admin-latency.js [rounds=200; at most 290: a console may send 600 commands a minute]
const { JsonSocket } = require('../lib/server.js');
const { startCluster } = require('../lib/cluster.js');

const TOKEN = 'bench-admin-token-0123456789';

(async () => {
  const N = Math.min(290, Number(process.argv[2] || 200));
  const cluster = await startCluster({ nodes: 2, args: ['--admin-token', TOKEN] });
  const [n1] = cluster.nodes;
  try {
    const admin = await JsonSocket.open(`${n1.wsBase}/admin/ws?token=${TOKEN}`);
    // Node 2 must be live in node 1's view first: the feed's node list says when.
    let m = await admin.next('snapshot');
    while (!(m.nodes || []).some((n) => n.id === 'node2' && n.live)) m = await admin.next((x) => x.type === 'delta');
    const lat = { remote: [], local: [] };
    for (let i = 0; i < N; i++) {
      for (const [kind, node] of [['remote', 'node2'], ['local', 'node1']]) {
        const id = `${kind}${i}`;
        const t0 = process.hrtime.bigint();
        admin.send({ type: 'command', id, command: 'disconnect', connection_id: `none-${i}`, node });
        const r = await admin.next((m) => m.type === 'result' && m.id === id);
        if (r.error?.code !== 'not_found') throw new Error(JSON.stringify(r));
        lat[kind].push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    const pct = (a, p) => a[Math.min(a.length - 1, Math.floor((a.length * p) / 100))];
    for (const [kind, a] of Object.entries(lat)) {
      a.sort((x, y) => x - y);
      console.log(`${kind}: p50 ${pct(a, 50).toFixed(2)} ms, p99 ${pct(a, 99).toFixed(2)} ms, max ${a[a.length - 1].toFixed(2)} ms (${a.length} commands)`);
    }
    admin.ws.close();
  } finally {
    await cluster.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
