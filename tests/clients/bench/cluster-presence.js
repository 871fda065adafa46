'use strict';
// Presence across nodes under a connect storm (docs/cluster.md#presence-typing-and-rooms):
// two nodes on a throwaway PostgreSQL and redis-server (lib/cluster.js); N users
// connect at once to node 2 (flat JSON), a watcher on node 1 waits until it has
// seen all N online, then all N disconnect and it waits for all N offline.
// Prints the time to see everyone, and how many presence writes (the EVAL that
// updates node 2's hash and PUBLISHes one frame) node 2 sent to Redis for the
// N connects and the N disconnects: batching is per loop pass, not per connection.
// Usage: node bench/cluster-presence.js [users=300]
const { execFileSync } = require('node:child_process');
const { register, JsonSocket } = require('../lib/server.js');
const { startCluster } = require('../lib/cluster.js');

(async () => {
  const N = Number(process.argv[2] || 300);
  const cluster = await startCluster({ nodes: 2, args: ['--max-connections-per-user', '0'] });
  const [n1, n2] = cluster.nodes;
  const evals = () => {
    const info = execFileSync('/usr/bin/redis-cli', ['-h', '127.0.0.1', '-p', String(cluster.redis.port), 'INFO', 'commandstats'],
      { encoding: 'utf8' });
    const m = info.match(/cmdstat_eval:calls=(\d+)/);
    return m ? Number(m[1]) : 0;
  };
  try {
    const watcherUser = await register(n1);
    const users = [];
    for (let i = 0; i < N; i++) users.push(await register(n1));
    const watcher = await JsonSocket.open(`${n1.wsBase}/ws?token=${watcherUser.token}`);
    await watcher.next('connection_established');
    const seen = (status) => {
      const want = new Set(users.map((u) => u.user.id));
      return new Promise((resolve) => {
        const check = () => {
          for (const m of watcher.queue.splice(0))
            if (m.type === 'user_status' && m.status === status) want.delete(m.user_id);
          if (want.size === 0) resolve(); else setTimeout(check, 5);
        };
        check();
      });
    };
    // Lease refreshes and checks are EVALs too: count them over an idle second to subtract.
    const idle0 = evals();
    await new Promise((r) => setTimeout(r, 1000));
    const idlePerSec = evals() - idle0;

    let e0 = evals();
    let t0 = process.hrtime.bigint();
    const sockets = await Promise.all(users.map(async (u) => {
      const s = await JsonSocket.open(`${n2.wsBase}/ws?token=${u.token}`);
      await s.next('connection_established');
      return s;
    }));
    await seen('online');
    let ms = Number(process.hrtime.bigint() - t0) / 1e6;
    let n = evals() - e0;
    console.log(`${N} connects on node 2: all online on node 1 after ${ms.toFixed(0)} ms; ${n} EVALs (about ${Math.round(idlePerSec * ms / 1000)} of them lease refreshes/checks)`);

    e0 = evals();
    t0 = process.hrtime.bigint();
    for (const s of sockets) s.ws.close();
    await seen('offline');
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
    n = evals() - e0;
    console.log(`${N} disconnects on node 2: all offline on node 1 after ${ms.toFixed(0)} ms; ${n} EVALs (about ${Math.round(idlePerSec * ms / 1000)} of them lease refreshes/checks)`);
    await watcher.close();
  } finally {
    await cluster.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
