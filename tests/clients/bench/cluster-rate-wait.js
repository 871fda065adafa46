'use strict';
// What the exact message rate limit costs a post on a cluster (docs/cluster.md
// "Limits"): the same flat JSON posts, one at a time, on node 1 of a 2-node
// cluster, with the message limit off (no check) and on (each post waits for
// Redis's count before it commits; a limit so high that none is refused).
// Prints p50/p99/max of send -> message_sent, in ms.
// Usage: node bench/cluster-rate-wait.js [rounds=500]
const { register, JsonSocket } = require('../lib/server.js');
const { startCluster } = require('../lib/cluster.js');

const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2); };

async function measure(limit, rounds) {
  const cluster = await startCluster({ nodes: 2, args: ['--rate-messages-per-minute', String(limit), '--rate-joins-per-minute', '0'] });
  const n1 = cluster.nodes[0];
  try {
    const u = await register(n1);
    const r = await fetch(`${n1.base}/api/v1/channels`, { headers: { Authorization: `Bearer ${u.token}` } });
    const general = (await r.json()).channels.find((c) => c.name === 'general').id;
    const s = await JsonSocket.open(`${n1.wsBase}/ws?token=${u.token}`);
    await s.next('connection_established');
    s.send({ type: 'join_channel', channel_id: general });
    await s.next('channel_joined');
    const lat = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = process.hrtime.bigint();
      s.send({ type: 'send_message', channel_id: general, content: `m${i}`, client_id: `c${i}` });
      const a = await s.next((m) => m.type === 'message_sent' || m.type === 'error');
      if (a.type !== 'message_sent') throw new Error(JSON.stringify(a));
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(`limit ${limit ? limit + '/min (exact, waits for Redis)' : 'off'}: n=${rounds} p50=${q(lat, 0.5)}ms p99=${q(lat, 0.99)}ms max=${q(lat, 1)}ms`);
    await s.close();
  } finally {
    await cluster.stop();
  }
}

(async () => {
  const rounds = Number(process.argv[2] || 500);
  for (let i = 0; i < 2; i++) {
    await measure(0, rounds);
    await measure(1000000, rounds);
  }
})().catch((e) => { console.error(e); process.exit(1); });
