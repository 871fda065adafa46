'use strict';
// Kill -9 the server while clients post; after a restart every message that was
// acknowledged (message_sent) must be there.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket, sleep } = require('../lib/server.js');

async function allMessages(server, token, channelId) {
  const ids = new Set();
  let before = '';
  for (;;) {
    const r = await api(server, 'GET', `/api/v1/channels/${channelId}/messages?limit=200${before ? `&before=${before}` : ''}`, token);
    assert.equal(r.status, 200);
    if (r.body.messages.length === 0) break;
    for (const m of r.body.messages) ids.add(m.id);
    before = r.body.messages[0].id;
  }
  return ids;
}

test('every acknowledged message survives SIGKILL', async () => {
  let server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  const users = [await register(server), await register(server), await register(server)];
  const channel = (await api(server, 'GET', '/api/v1/channels', users[0].token)).body.channels.find((c) => c.name === 'general');
  const acked = new Set();
  const sockets = [];
  for (const u of users) {
    const s = await JsonSocket.open(`${server.wsBase}/ws?token=${u.token}`);
    await s.next('connection_established');
    s.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type === 'message_sent') acked.add(m.data.id);
    });
    sockets.push(s);
  }
  // Each writer keeps a window of messages in flight and sends more as acks arrive.
  let stop = false;
  const writers = sockets.map((s, i) => new Promise((resolve) => {
    let n = 0, inFlight = 0;
    const pump = () => {
      while (!stop && inFlight < 32 && s.ws.readyState === 1) {
        inFlight++;
        s.send({ type: 'send_message', channel_id: channel.id, content: `writer ${i} message ${n++}`, client_id: `${i}-${n}` });
      }
    };
    s.ws.on('message', (d) => { if (JSON.parse(d.toString()).type === 'message_sent') { inFlight--; pump(); } });
    s.ws.on('close', resolve);
    pump();
  }));
  await sleep(1500);
  await server.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  const ackedAtKill = acked.size;
  assert.ok(ackedAtKill > 100, `only ${acked.size} messages were acknowledged before the kill`);
  server = await startServer({ port: server.port, dataDir: server.dataDir, args: ['--rate-messages-per-minute', '0'] });
  const stored = await allMessages(server, users[0].token, channel.id);
  const lost = [...acked].filter((id) => !stored.has(id));
  assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged messages were lost`);
  console.log(`# ${acked.size} acknowledged, ${stored.size} stored after SIGKILL and restart`);
  await server.stop();
});
