'use strict';
// What the balancer adds (docs/cluster.md, "Behind a load balancer"): three
// nodes behind HAProxy from the shipped config (lib/haproxy.js). A flat JSON
// client on node 1 sends one message at a time; four Socket.IO "/" clients of
// one user receive it on node 2: polling through HAProxy, polling direct,
// WebSocket (upgraded) through HAProxy, WebSocket direct. Prints p50/p99/max
// of send -> receive in ms for each.
// Usage: node bench/edge-latency.js [rounds=300]
const { api, register, JsonSocket } = require('../lib/server.js');
const { startCluster } = require('../lib/cluster.js');
const { startHaproxy } = require('../lib/haproxy.js');
const sio = require('../socketio/sio.js');

(async () => {
  const N = Number(process.argv[2] || 300);
  const cluster = await startCluster({ nodes: 3, args: ['--rate-messages-per-minute', '0'] });
  const [n1, n2] = cluster.nodes;
  const lb = await startHaproxy(cluster.nodes);
  const sockets = [];
  try {
    const u = await register(n1);
    const general = (await api(n1, 'GET', '/api/v1/channels', u.token)).body.channels.find((x) => x.name === 'general').id;
    // A Socket.IO client on node 2: direct, or through HAProxy until the round-robin puts it there.
    const receiver = async (via, transports) => {
      for (;;) {
        const s = sio.connect(via, { token: u.token, transports });
        sockets.push(s);
        await sio.connected(s);
        if (s.io.engine.id.startsWith('node2.')) {
          if (!transports) await sio.upgraded(s);
          await s.emitWithAck('join_channel', { channelId: general });
          return s;
        }
        s.close();
      }
    };
    const rx = {
      'polling via haproxy': await receiver(lb, ['polling']),
      'polling direct': await receiver(n2, ['polling']),
      'websocket via haproxy': await receiver(lb, undefined),
      'websocket direct': await receiver(n2, undefined),
    };
    const sender = await JsonSocket.open(`${n1.wsBase}/ws?token=${u.token}`);
    await sender.next('connection_established');
    sender.send({ type: 'join_channel', channel_id: general });
    await sender.next('channel_joined');
    const lat = Object.fromEntries(Object.keys(rx).map((k) => [k, []]));
    for (let i = 0; i < N; i++) {
      const content = `m${i}`;
      const t0 = process.hrtime.bigint();
      const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
      const waits = Object.entries(rx).map(([k, s]) => sio.next(s, 'new_message', (m) => m.content === content).then(() => lat[k].push(ms())));
      sender.send({ type: 'send_message', channel_id: general, content });
      await Promise.all(waits);
    }
    const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2); };
    for (const k of Object.keys(rx)) console.log(`${k}: n=${lat[k].length} p50=${q(lat[k], 0.5)}ms p99=${q(lat[k], 0.99)}ms max=${q(lat[k], 1)}ms`);
    await sender.close();
  } finally {
    for (const s of sockets) s.close();
    await lb.stop();
    await cluster.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
