'use strict';
// Backpressure, end to end with real `ws` clients: with --max-pending-writes
// far below what three senders put in flight, the server stops reading their
// sockets while the writes it already took wait for the disk or their fan-out,
// and reads them again once it has caught up. Nothing may be lost, duplicated
// or reordered by that: every message is acknowledged once, and a listener
// gets every message of every sender, in that sender's order. Once over
// plain TCP, once over TLS (held there by the socket's capped read buffer).
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const { startTlsServer } = require('../tls/tlsServer.js');

const SENDERS = 3;
const PER_SENDER = 400;
const LIMIT = 16;

const metric = (text, name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);

const ARGS = ['--rate-messages-per-minute', '0', '--max-pending-writes', String(LIMIT)];

async function heldReadsLoseNothing(server, wsBase, wsOptions) {
  try {
    const users = await Promise.all(Array.from({ length: SENDERS + 1 }, () => register(server)));
    const general = (await api(server, 'GET', '/api/v1/channels', users[0].token)).body.channels.find((c) => c.name === 'general');
    const sockets = [];
    for (const u of users) {
      const s = await JsonSocket.open(`${wsBase}/ws?token=${u.token}`, wsOptions);
      await s.next('connection_established');
      sockets.push(s);
    }
    const listener = sockets[SENDERS];
    const before = (await api(server, 'GET', '/metrics')).text;

    // Every sender puts all its messages on the wire at once: far more than
    // LIMIT writes arrive before the first commit comes back.
    const acks = sockets.slice(0, SENDERS).map(() => new Set());
    const heard = sockets.slice(0, SENDERS).map(() => []);
    const allHeard = new Promise((resolve) => {
      let count = 0;
      listener.ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type !== 'new_message') return;
        const [who, n] = m.data.content.split(':').map(Number);
        heard[who].push(n);
        if (++count === SENDERS * PER_SENDER) resolve();
      });
    });
    const allAcked = sockets.slice(0, SENDERS).map((s, who) => new Promise((resolve, reject) => {
      s.ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type === 'error') reject(new Error(`sender ${who}: ${JSON.stringify(m)}`));
        if (m.type !== 'message_sent') return;
        assert.ok(!acks[who].has(m.client_id), `acknowledged twice: ${m.client_id}`);
        acks[who].add(m.client_id);
        if (acks[who].size === PER_SENDER) resolve();
      });
      for (let n = 0; n < PER_SENDER; ++n)
        s.send({ type: 'send_message', channel_id: general.id, content: `${who}:${n}`, client_id: `${who}-${n}` });
    }));
    await Promise.all([...allAcked, allHeard]);

    for (let who = 0; who < SENDERS; ++who)
      assert.deepEqual(heard[who], Array.from({ length: PER_SENDER }, (_, n) => n), `sender ${who}'s messages, in order`);

    const after = (await api(server, 'GET', '/metrics')).text;
    const holds = metric(after, 'switchboard_read_holds_total') - metric(before, 'switchboard_read_holds_total');
    const parked = metric(after, 'switchboard_read_hold_parked_total') - metric(before, 'switchboard_read_hold_parked_total');
    assert.ok(holds > 0, `the reads were never held (${SENDERS * PER_SENDER} writes against a limit of ${LIMIT})`);
    // Everything answered: nothing is outstanding, so the hold is off.
    assert.equal(metric(after, 'switchboard_storage_outstanding_writes'), 0);
    assert.equal(metric(after, 'switchboard_read_hold'), 0);
    console.log(`# reads held ${holds} times, ${parked} sockets parked`);
  } finally {
    await server.stop();
  }
}

test('held reads lose, duplicate and reorder nothing', { timeout: 120000 }, async () => {
  const server = await startServer({ args: ARGS });
  await heldReadsLoseNothing(server, server.wsBase);
});

test('over TLS too', { timeout: 120000 }, async () => {
  const server = await startTlsServer({ args: ARGS });
  await heldReadsLoseNothing(server, server.wssBase, { ca: server.ca });
});
