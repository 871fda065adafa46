'use strict';
// Download latency of GET /api/v1/uploads/{id} with N messages in the database:
// the uploader (no lookup) vs another member (the message_uploads lookup).
// Not a test (no .test.js): run by hand, from tests/clients:
//   node bench/upload-download.js [N=20000]
const { startServer, api, register } = require('../lib/server.js');
const N = Number(process.argv[2] || 20000), R = 300;
(async () => {
  const server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  try {
    const a = await register(server), b = await register(server);
    const ch = (await api(server, 'GET', '/api/v1/channels', a.token)).body.channels.find((c) => c.name === 'general');
    const form = new FormData(); form.append('file', new Blob([Buffer.from('x')]), 'x.txt');
    const up = (await api(server, 'POST', '/api/v1/uploads', a.token, form)).body;
    await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'f', attachments: [up.id] });
    for (let i = 0; i < N; i += 50)
      await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, k) => api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: `m${i + k}` })));
    const time = async (u) => {
      const t = [];
      for (let i = 0; i < R; ++i) {
        const s = process.hrtime.bigint();
        const r = await fetch(`${server.base}/api/v1/uploads/${up.id}`, { headers: { Authorization: `Bearer ${u.token}` } });
        await r.arrayBuffer(); if (r.status !== 200) throw new Error(String(r.status));
        t.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      t.sort((x, y) => x - y);
      return `median ${t[R >> 1].toFixed(2)} ms, p95 ${t[Math.floor(R * 0.95)].toFixed(2)} ms`;
    };
    console.log(`messages=${N + 1} uploader: ${await time(a)} | member: ${await time(b)}`);
  } finally { await server.stop(); }
})();
