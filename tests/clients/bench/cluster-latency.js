'use strict';
// Cross-node latency, one message at a time (docs/cluster.md): two nodes on a
// throwaway PostgreSQL and redis-server (lib/cluster.js); a flat JSON client on
// node 1 sends, the same user's clients on node 1 (local) and node 2 (remote)
// receive. Prints p50/p99/max of send -> receive in ms.
// Usage: node bench/cluster-latency.js [rounds=500]
const { api, register, JsonSocket } = require('../lib/server.js');
const { startCluster } = require('../lib/cluster.js');

(async () => {
  const N = Number(process.argv[2] || 500);
  const cluster = await startCluster({ nodes: 2, args: ['--rate-messages-per-minute', '0'] });
  const [n1, n2] = cluster.nodes;
  try {
    const u = await register(n1);
    const general = (await api(n1, 'GET', '/api/v1/channels', u.token)).body.channels.find((x) => x.name === 'general').id;
    const open = async (n) => {
      const s = await JsonSocket.open(`${n.wsBase}/ws?token=${u.token}`);
      await s.next('connection_established');
      s.send({ type: 'join_channel', channel_id: general });
      await s.next('channel_joined');
      return s;
    };
    const local = await open(n1);
    const remote = await open(n2);
    const lat = { local: [], remote: [] };
    for (let i = 0; i < N; i++) {
      const content = `m${i}`;
      const t0 = process.hrtime.bigint();
      const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
      const pl = local.next((m) => m.type === 'new_message' && m.data.content === content).then(() => lat.local.push(ms()));
      const pr = remote.next((m) => m.type === 'new_message' && m.data.content === content).then(() => lat.remote.push(ms()));
      local.send({ type: 'send_message', channel_id: general, content });
      await Promise.all([pl, pr]);
    }
    const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2); };
    for (const k of ['local', 'remote']) console.log(`${k}: n=${lat[k].length} p50=${q(lat[k], 0.5)}ms p99=${q(lat[k], 0.99)}ms max=${q(lat[k], 1)}ms`);
    await local.close();
    await remote.close();
  } finally {
    await cluster.stop();
  }
})();
