'use strict';
// Reconnects, rejoins and the seed's rate limits, with the official client.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const { LongPoll, connect, makeSocket, join, reply, general, disconnect, sleep } = require('./phx.js');

test('a socket the server drops (heartbeat timeout) reconnects and rejoins with a new join_ref and a fresh presence_state', async () => {
  const server = await startServer({ args: ['--heartbeat-timeout-ms', '700'] });
  try {
    const a = await register(server);
    const ch = await general(server, a.token);
    // The client heartbeats far too rarely, so the server closes its socket.
    const socket = await connect(server, a.token, { heartbeatIntervalMs: 60000 });
    let closes = 0;
    socket.onClose(() => { ++closes; });
    const j = await join(socket, `channel:${ch.id}`);
    const firstRef = j.channel.joinRef();
    await j.inbox.next('presence_state');
    const again = await j.inbox.next('presence_state', (_, m) => m.joinRef !== firstRef, 5000);
    assert.ok(again[a.user.id], 'rejoined and present again');
    assert.ok(closes >= 1, 'the server closed the socket');
    assert.notEqual(j.channel.joinRef(), firstRef);
    assert.equal(j.channel.state, 'joined');
    await disconnect(socket);
  } finally {
    await server.stop();
  }
});

for (const [name, transport] of [['websocket', undefined], ['long-poll', LongPoll]]) {
  test(`after a server restart the ${name} client reconnects, rejoins and gets messages again`, async () => {
    let server = await startServer();
    try {
      const a = await register(server), b = await register(server);
      const ch = await general(server, a.token);
      const opts = transport ? { transport } : {};
      const socket = await connect(server, a.token, opts);
      const j = await join(socket, `channel:${ch.id}`);
      await j.inbox.next('presence_state');
      server = await server.restart();
      await j.inbox.next('presence_state', () => true, 15000); // the rejoin's
      const posted = await api(server, 'POST', '/api/v1/messages', b.token, { channel_id: ch.id, content: 'after restart' });
      assert.equal(posted.status, 201);
      const got = await j.inbox.next('new_message', (x) => x.message.id === posted.body.id, 5000);
      assert.equal(got.message.content, 'after restart');
      await disconnect(socket);
    } finally {
      await server.stop();
    }
  });
}

test('rate limits (configurable; seed defaults 60/30/10/100) answer rate_limit_exceeded with retry_after', async () => {
  const server = await startServer({ args: ['--rate-messages-per-minute', '3', '--rate-joins-per-minute', '4',
    '--rate-typing-per-minute', '2', '--max-connections-per-user', '2'] });
  try {
    const a = await register(server);
    const ch = await general(server, a.token);
    const socket = await connect(server, a.token);
    const j = await join(socket, `channel:${ch.id}`); // join 1
    for (let i = 0; i < 3; ++i) assert.equal((await reply(j.channel.push('send_message', { content: `m${i}`, temp_id: `t${i}` }))).status, 'ok');
    const limited = await reply(j.channel.push('send_message', { content: 'one too many', temp_id: 't3' }));
    assert.equal(limited.status, 'error');
    assert.equal(limited.response.reason, 'rate_limit_exceeded');
    assert.ok(limited.response.retry_after > 0 && limited.response.retry_after <= 60000);
    assert.match(limited.response.message, /Too many requests\. Retry after \d+ seconds\./);
    const me = await j.inbox.next('message_error', (x) => x.temp_id === 't3');
    assert.equal(me.reason, 'rate_limit_exceeded');

    assert.equal((await reply(j.channel.push('typing_start', {}))).status, 'ok');
    await reply(j.channel.push('typing_stop', {}));
    assert.equal((await reply(j.channel.push('typing_start', {}))).status, 'ok');
    await reply(j.channel.push('typing_stop', {}));
    const typing = await reply(j.channel.push('typing_start', {}));
    assert.equal(typing.status, 'error');
    assert.equal(typing.response.reason, 'rate_limit_exceeded');

    const joins = [];
    for (let i = 0; i < 4; ++i) {
      const extra = socket.channel(`channel:${ch.id}-${i}`); // joins that fail still count
      joins.push(await reply(extra.join()));
      extra.leave();
    }
    assert.equal(joins[3].status, 'error');
    assert.equal(joins[3].response.reason, 'rate_limit_exceeded');
    assert.ok(joins[3].response.retry_after > 0);

    const second = await connect(server, a.token);
    const third = `${server.wsBase}/socket/websocket?token=${a.token}&vsn=2.0.0`;
    if (!server.cluster) {
      await assert.rejects(JsonSocket.open(third), (e) => e.statusCode === 429);
    } else {
      // A node that has not heard yet of the connection on another node lets
      // the handshake through; the exact count (Redis) then kicks it at once
      // (docs/cluster.md, "--max-connections-per-user").
      let refusal;
      try {
        const s = await JsonSocket.open(third);
        let timer;
        const timeout = new Promise((r) => { timer = setTimeout(() => r({ code: 'still open after 10 s' }), 10000); });
        refusal = await Promise.race([s.closed, timeout]);
        clearTimeout(timer);
        if (refusal.code !== 1008) s.ws.terminate();
      } catch (e) {
        refusal = { status: e.statusCode };
      }
      assert.ok(refusal.status === 429 || (refusal.code === 1008 && /too many connections/.test(refusal.reason)),
        JSON.stringify(refusal));
    }
    await disconnect(second);
    await disconnect(socket);
  } finally {
    await server.stop();
  }
});

test('pushes buffered while the socket is down are delivered after the reconnect', async () => {
  const server = await startServer({ args: ['--heartbeat-timeout-ms', '700'] });
  try {
    const a = await register(server);
    const ch = await general(server, a.token);
    const socket = makeSocket(server, a.token, { heartbeatIntervalMs: 60000 });
    socket.connect();
    const j = await join(socket, `channel:${ch.id}`);
    await new Promise((resolve) => socket.onClose(resolve)); // dropped by the server
    const r = await reply(j.channel.push('send_message', { content: 'queued while down', temp_id: 'q1' }));
    assert.equal(r.status, 'ok');
    const history = await api(server, 'GET', `/api/v1/channels/${ch.id}/messages`, a.token);
    assert.ok(history.body.messages.some((m) => m.id === r.response.message.id));
    await disconnect(socket);
  } finally {
    await server.stop();
  }
});

test('a bad token: the official client reports the 403 refusal and never opens', async () => {
  const server = await startServer();
  try {
    const socket = makeSocket(server, 'not-a-jwt');
    const errors = [];
    let opened = false;
    socket.onOpen(() => { opened = true; });
    socket.onError((error) => errors.push(error));
    socket.connect();
    const deadline = Date.now() + 5000;
    while (errors.length < 2 && Date.now() < deadline) await sleep(50);
    assert.ok(errors.length >= 2, 'the client keeps retrying, reporting each refusal');
    assert.match(String(errors[0] && (errors[0].message || errors[0])), /403/);
    assert.equal(opened, false);
    socket.disconnect();
  } finally {
    await server.stop();
  }
});
