'use strict';
// What REST read-after-write costs a directory write (docs/cluster.md
// "Directory read-after-write"): the same REST calls, one at a time, on a
// single node of a 1-node cluster and on node 1 of a 3-node cluster, where
// the answer waits until the other nodes acknowledged the change's notice.
// Calls: create a public channel, then add a member to it (both directory
// writes), and a message post (not a directory write: no wait) as the control.
// Prints p50/p99/max per call and cluster size, in ms.
// Usage: node bench/cluster-rest-gate.js [rounds=300]
const { api, register } = require('../lib/server.js');
const { startCluster } = require('../lib/cluster.js');

const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2); };

async function measure(nodes, rounds) {
  const cluster = await startCluster({ nodes, args: ['--rate-messages-per-minute', '0', '--rate-joins-per-minute', '0'] });
  const n1 = cluster.nodes[0];
  try {
    const owner = await register(n1);
    const other = await register(cluster.nodes[nodes - 1]);
    const general = (await api(n1, 'GET', '/api/v1/channels', owner.token)).body.channels.find((x) => x.name === 'general').id;
    const lat = { create: [], add_member: [], post_message: [] };
    const timed = async (k, fn) => {
      const t0 = process.hrtime.bigint();
      const r = await fn();
      lat[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status >= 300) throw new Error(`${k}: ${r.status} ${r.text}`);
      return r;
    };
    for (let i = 0; i < rounds; i++) {
      const c = await timed('create', () => api(n1, 'POST', '/api/v1/channels', owner.token, { name: `g${i}-${Date.now()}`.slice(0, 40), type: 'public' }));
      await timed('add_member', () => api(n1, 'POST', `/api/v1/channels/${c.body.id}/members`, owner.token, { user_id: other.user.id }));
      await timed('post_message', () => api(n1, 'POST', '/api/v1/messages', owner.token, { channel_id: general, content: `m${i}` }));
    }
    for (const k of Object.keys(lat))
      console.log(`${nodes} node(s) ${k}: n=${lat[k].length} p50=${q(lat[k], 0.5)}ms p99=${q(lat[k], 0.99)}ms max=${q(lat[k], 1)}ms`);
  } finally {
    await cluster.stop();
  }
}

(async () => {
  const rounds = Number(process.argv[2] || 300);
  await measure(1, rounds);
  await measure(3, rounds);
})().catch((e) => { console.error(e); process.exit(1); });
