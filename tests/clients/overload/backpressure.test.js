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
const { startTlsServer, httpsApi, registerTls } = require('../tls/tlsServer.js');

const SENDERS = 3;
const PER_SENDER = 400;
const REST_POSTS = 60;
const LIMIT = 16;

const metric = (text, name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);

const ARGS = ['--rate-messages-per-minute', '0', '--max-pending-writes', String(LIMIT)];

// call(method, path, token, body) and signUp(): the server's REST API over its own transport.
async function heldReadsLoseNothing(server, wsBase, wsOptions, call, signUp) {
  try {
    const users = await Promise.all(Array.from({ length: SENDERS + 2 }, () => signUp()));
    const poster = users.pop(); // REST only
    const general = (await call('GET', '/api/v1/channels', users[0].token)).body.channels.find((c) => c.name === 'general');
    const sockets = [];
    for (const u of users) {
      const s = await JsonSocket.open(`${wsBase}/ws?token=${u.token}`, wsOptions);
      await s.next('connection_established');
      sockets.push(s);
    }
    const listener = sockets[SENDERS];
    const before = (await call('GET', '/metrics')).text;

    // Every sender puts all its messages on the wire at once: far more than
    // LIMIT writes arrive before the first commit comes back.
    const acks = sockets.slice(0, SENDERS).map(() => new Set());
    const heard = Array.from({ length: SENDERS + 1 }, () => []); // the poster is SENDERS
    const allHeard = new Promise((resolve) => {
      let count = 0;
      listener.ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type !== 'new_message') return;
        const [who, n] = m.data.content.split(':').map(Number);
        heard[who].push(n);
        if (++count === SENDERS * PER_SENDER + REST_POSTS) resolve();
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
    const posted = (async () => {
      for (let n = 0; n < REST_POSTS; ++n) {
        const r = await call('POST', '/api/v1/messages', poster.token, { channel_id: general.id, content: `${SENDERS}:${n}` });
        assert.equal(r.status, 201, `post ${n}: ${r.text}`);
      }
    })();
    await Promise.all([...allAcked, posted, allHeard]);

    for (let who = 0; who < SENDERS; ++who)
      assert.deepEqual(heard[who], Array.from({ length: PER_SENDER }, (_, n) => n), `sender ${who}'s messages, in order`);
    assert.deepEqual(heard[SENDERS], Array.from({ length: REST_POSTS }, (_, n) => n), 'the REST posts, in order');

    const after = (await call('GET', '/metrics')).text;
    const holds = metric(after, 'switchboard_read_holds_total') - metric(before, 'switchboard_read_holds_total');
    const parked = metric(after, 'switchboard_read_hold_parked_total') - metric(before, 'switchboard_read_hold_parked_total');
    assert.ok(holds > 0, `the reads were never held (${SENDERS * PER_SENDER} writes against a limit of ${LIMIT})`);
    // Everything answered: nothing is outstanding, so the hold is off.
    assert.equal(metric(after, 'switchboard_storage_outstanding_writes'), 0);
    assert.equal(metric(after, 'switchboard_read_hold'), 0);
    console.log(`# reads held ${holds} times, ${parked} sockets and requests parked`);
  } finally {
    await server.stop();
  }
}

test('held reads lose, duplicate and reorder nothing', { timeout: 120000 }, async () => {
  const server = await startServer({ args: ARGS });
  await heldReadsLoseNothing(server, server.wsBase, undefined,
    (method, path, token, body) => api(server, method, path, token, body), () => register(server));
});

test('over TLS too', { timeout: 120000 }, async () => {
  const server = await startTlsServer({ args: ARGS });
  await heldReadsLoseNothing(server, server.wssBase, { ca: server.ca },
    (method, path, token, body) => httpsApi(server, method, path, token, body), () => registerTls(server));
});
