'use strict';
// The console's list of another node's connections (docs/cluster.md "The
// console and the cluster"): two nodes on a throwaway PostgreSQL and
// redis-server (lib/cluster.js), N flat-JSON connections on node 2. Prints
// how long node 1's console takes to list all N rows of node 2 after it
// attached, and node 2's ping -> pong latency (a client of node 2, sequential
// pings for a few seconds) with no console and while node 1's console watches
// (node 2 then sends its whole list, paged, every second).
// Usage: node bench/cluster-admin-list.js [connections=3000] [page rows=1000]
const { register, JsonSocket } = require('../lib/server.js');
const { startCluster } = require('../lib/cluster.js');

const TOKEN = 'bench-admin-token-0123456789';

// node 2's event-loop stall counters (GET /metrics): passes late by more than 10, 50, 100 ms.
async function stalls(node) {
  const text = await (await fetch(`${node.base}/metrics`)).text();
  return [10, 50, 100].map((ms) => Number(text.match(new RegExp(`^switchboard_event_loop_stalls_${ms}ms_total (\\d+)`, 'm'))?.[1] ?? NaN));
}
const diff = (a, b) => `node 2's loop late by >10/>50/>100 ms: ${b.map((x, i) => x - a[i]).join('/')} times`;

async function pings(s, ms) {
  const lat = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    s.send({ type: 'ping' });
    await s.next('pong');
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  lat.sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((lat.length * p) / 100))].toFixed(2);
  return `p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${lat[lat.length - 1].toFixed(2)} ms (${lat.length} pings)`;
}

(async () => {
  const N = Number(process.argv[2] || 3000);
  const pageRows = String(process.argv[3] || 1000);
  const cluster = await startCluster({ nodes: 2, args: ['--admin-token', TOKEN, '--max-connections-per-user', '0',
    '--cluster-list-page-rows', pageRows] });
  const [n1, n2] = cluster.nodes;
  const sockets = [];
  try {
    const user = await register(n1);
    for (let i = 0; i < N; i += 100) {
      const batch = [];
      for (let j = i; j < Math.min(N, i + 100); j++) batch.push(JsonSocket.open(`${n2.wsBase}/ws?token=${user.token}`));
      for (const s of await Promise.all(batch)) { await s.next('connection_established'); sockets.push(s); }
    }
    const probe = await JsonSocket.open(`${n2.wsBase}/ws?token=${user.token}`);
    await probe.next('connection_established');
    let before = await stalls(n2);
    console.log(`node 2 ping, no console: ${await pings(probe, 4000)}`);
    console.log(diff(before, await stalls(n2)));

    const t0 = Date.now();
    const admin = await JsonSocket.open(`${n1.wsBase}/admin/ws?token=${TOKEN}`);
    const rows = new Set();
    const take = (m) => {
      for (const c of m.connections || []) if (c.node === 'node2') rows.add(c.id);
      for (const id of m.connections_removed || []) rows.delete(id);
    };
    take(await admin.next((m) => m.type === 'snapshot' || (m.type === 'snapshot_part' && m.last)));
    while (rows.size < N + 1) take(await admin.next((m) => m.type === 'delta', 30000));
    console.log(`node 1's console lists node 2's ${rows.size} rows ${Date.now() - t0} ms after attaching (pages of ${pageRows})`);
    // Keep reading the feed while measuring, as a console does.
    admin.ws.on('message', () => {});
    before = await stalls(n2);
    console.log(`node 2 ping, node 1's console watching: ${await pings(probe, 4000)}`);
    console.log(diff(before, await stalls(n2)));
    admin.ws.close();
    await probe.close();
  } finally {
    for (const s of sockets) s.ws.terminate();
    await cluster.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
