'use strict';
// The Phoenix wire protocol by hand (raw `ws`): refs and join refs, the
// reserved events, both serializers, and every kind of bad input.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, JsonSocket } = require('../lib/server.js');
const { raw, general, defaultWorkspace, sleep, WebSocket } = require('./phx.js');

let server;
test.before(async () => { server = await startServer({ args: ['--max-frame-bytes', '4096'] }); });
test.after(async () => { await server.stop(); });

const isReply = (ref) => (m) => Array.isArray(m) && m[1] === ref && m[3] === 'phx_reply';
const isPush = (topic, event) => (m) => Array.isArray(m) && m[2] === topic && m[3] === event;

test('heartbeat on topic "phoenix" is answered with the same ref and a null join_ref', async () => {
  const a = await register(server);
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`);
  s.send([null, '1', 'phoenix', 'heartbeat', {}]);
  assert.deepEqual(await s.next(isReply('1')), [null, '1', 'phoenix', 'phx_reply', { response: {}, status: 'ok' }]);
  await s.close();
});

test('join replies with join_ref = ref and {channel}, then pushes messages_loaded and presence_state with the join_ref', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`);
  const topic = `channel:${ch.id}`;
  s.send(['3', '3', topic, 'phx_join', { user_id: a.user.id }]);
  const joined = await s.next(isReply('3'));
  assert.equal(joined[0], '3');
  assert.equal(joined[4].status, 'ok');
  assert.equal(joined[4].response.channel.id, ch.id);
  assert.equal(joined[4].response.channel.name, 'general');
  assert.equal(joined[4].response.channel.type, 'public');
  assert.ok('description' in joined[4].response.channel);
  const loaded = await s.next(isPush(topic, 'messages_loaded'));
  assert.deepEqual(loaded.slice(0, 2), ['3', null]);
  assert.ok(Array.isArray(loaded[4].messages));
  const state = await s.next(isPush(topic, 'presence_state'));
  assert.deepEqual(state.slice(0, 2), ['3', null]);
  assert.ok(state[4][a.user.id], 'the joiner is present');
  await s.close();
});

test('unknown topics and events before join get "unmatched topic"', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`);
  s.send(['1', '1', 'room:lobby', 'phx_join', {}]);
  assert.deepEqual((await s.next(isReply('1')))[4], { status: 'error', response: { reason: 'unmatched topic' } });
  s.send([null, '2', `channel:${ch.id}`, 'send_message', { content: 'too early' }]);
  const early = await s.next(isReply('2'));
  assert.deepEqual(early[4], { status: 'error', response: { reason: 'unmatched topic' } });
  assert.equal(early[0], null);
  s.send(['3', '3', 'channel:', 'phx_join', {}]);
  assert.equal((await s.next(isReply('3')))[4].response.reason, 'unmatched topic');
  s.send([null, '4', 'phoenix', 'not_a_heartbeat', {}]);
  assert.equal((await s.next(isReply('4')))[4].response.reason, 'unmatched topic');
  await s.close();
});

test('a private channel and an unknown channel refuse the join with a reason', async () => {
  const a = await register(server), b = await register(server);
  const { api } = require('../lib/server.js');
  const priv = await api(server, 'POST', '/api/v1/channels', a.token, { name: `secret${Date.now()}`, type: 'private' });
  assert.equal(priv.status, 201);
  const s = await raw(server, `token=${b.token}&vsn=2.0.0`);
  s.send(['1', '1', `channel:${priv.body.id}`, 'phx_join', {}]);
  const refused = await s.next(isReply('1'));
  assert.equal(refused[4].status, 'error');
  assert.equal(refused[4].response.reason, 'Access denied');
  s.send(['2', '2', 'channel:00000000-0000-0000-0000-00000000dead', 'phx_join', {}]);
  const missing = await s.next(isReply('2'));
  assert.equal(missing[4].status, 'error');
  assert.equal(missing[4].response.reason, 'not_found');
  const ws = await defaultWorkspace(server, a.token);
  s.send(['3', '3', 'workspace:nope', 'phx_join', {}]);
  assert.equal((await s.next(isReply('3')))[4].response.reason, 'not_found');
  s.send(['4', '4', `workspace:${ws.id}`, 'phx_join', {}]);
  assert.equal((await s.next(isReply('4')))[4].status, 'ok');
  await s.close();
});

test('phx_leave is acknowledged, then phx_close carries the join_ref; the topic is no longer joined', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`);
  s.send(['5', '5', topic, 'phx_join', {}]);
  await s.next(isReply('5'));
  s.send(['5', '6', topic, 'phx_leave', {}]);
  assert.deepEqual(await s.next(isReply('6')), ['5', '6', topic, 'phx_reply', { response: {}, status: 'ok' }]);
  assert.deepEqual(await s.next(isPush(topic, 'phx_close')), ['5', '5', topic, 'phx_close', {}]);
  s.send(['5', '7', topic, 'typing_start', {}]);
  assert.equal((await s.next(isReply('7')))[4].response.reason, 'unmatched topic');
  // Leaving a topic that is not joined is still acknowledged (the client does it after a join timeout).
  s.send([null, '8', 'channel:whatever', 'phx_leave', {}]);
  assert.equal((await s.next(isReply('8')))[4].status, 'ok');
  await s.close();
});

test('a duplicate join closes the old join_ref first, and stale join_refs are ignored', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`);
  s.send(['1', '1', topic, 'phx_join', {}]);
  await s.next(isReply('1'));
  s.send(['2', '2', topic, 'phx_join', {}]);
  assert.deepEqual(await s.next(isPush(topic, 'phx_close')), ['1', '1', topic, 'phx_close', {}]);
  const rejoined = await s.next(isReply('2'));
  assert.equal(rejoined[0], '2');
  assert.equal(rejoined[4].status, 'ok');
  const state = await s.next((m) => isPush(topic, 'presence_state')(m) && m[0] === '2');
  assert.ok(state[4][a.user.id]);
  s.send(['1', '3', topic, 'typing_start', {}]); // old join_ref: dropped
  // Barrier: a heartbeat sent after it is answered after anything it caused.
  s.send([null, 'hb-3', 'phoenix', 'heartbeat', {}]);
  await s.next(isReply('hb-3'));
  assert.ok(!s.queue.some(isReply('3')));
  s.send(['2', '4', topic, 'typing_stop', {}]);
  assert.equal((await s.next(isReply('4')))[4].status, 'ok');
  await s.close();
});

test('malformed vsn 2.0.0 frames are answered when their ref is readable and never kill the socket', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`);
  s.send(['1', '1', topic, 'phx_join', {}]);
  await s.next(isReply('1'));
  s.send(JSON.stringify(['1', '2', topic, 'send_message', 'not an object']));
  const bad = await s.next(isReply('2'));
  assert.equal(bad[4].status, 'error');
  assert.equal(bad[4].response.reason, 'malformed message');
  assert.equal(bad[4].response.error, 'bad_payload');
  s.send(JSON.stringify(['1', '3', topic]));
  assert.equal((await s.next(isReply('3')))[4].response.error, 'wrong_arity');
  s.send(JSON.stringify([1, '4', topic, 'typing_start', {}]));
  assert.equal((await s.next(isReply('4')))[4].response.error, 'bad_join_ref');
  for (const garbage of ['', 'hello', '{"topic":"x"}', '[', '[null,5,"t","e",{}]', '"str"', '[null,null,"t",7,{}]']) s.send(garbage);
  s.send([null, '9', 'phoenix', 'heartbeat', {}]);
  assert.equal((await s.next(isReply('9')))[4].status, 'ok');
  await s.close();
});

test('malformed vsn 1.0.0 frames are refused cleanly and valid ones work with object frames', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const s = await raw(server, `token=${a.token}&vsn=1.0.0`);
  s.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '1' });
  assert.deepEqual(await s.next((m) => m.ref === '1'), { topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '1' });
  s.send({ topic, event: 'phx_join', payload: {}, ref: '2', join_ref: '2' });
  const joined = await s.next((m) => m.ref === '2');
  assert.equal(joined.payload.status, 'ok');
  assert.ok(!('join_ref' in joined), 'V1 frames carry no join_ref');
  const state = await s.next((m) => m.event === 'presence_state');
  assert.equal(state.ref, null);
  s.send({ topic, event: 'send_message', ref: '3' }); // payload missing
  const missing = await s.next((m) => m.ref === '3');
  assert.equal(missing.payload.response.error, 'missing_field');
  s.send(['2', '4', topic, 'typing_start', {}]); // an array under V1
  s.send({ topic, event: 'typing_start', payload: {}, ref: 5 });
  s.send({ topic, event: 'typing_start', payload: [], ref: '6' });
  assert.equal((await s.next((m) => m.ref === '6')).payload.response.error, 'bad_payload');
  s.send({ topic, event: 'typing_stop', payload: {}, ref: '7' }); // no join_ref: accepted
  assert.equal((await s.next((m) => m.ref === '7')).payload.status, 'ok');
  await s.close();
});

test('binary frames are decoded and refused cleanly; under vsn 1.0.0 too', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`);
  s.send(['1', '1', topic, 'phx_join', {}]);
  await s.next(isReply('1'));
  const header = (jr, ref, t, e) => Buffer.concat([Buffer.from([0, jr.length, ref.length, t.length, e.length]), Buffer.from(jr + ref + t + e)]);
  s.ws.send(Buffer.concat([header('1', '2', topic, 'upload'), Buffer.from([1, 2, 3])]), { binary: true });
  const r = await s.next(isReply('2'));
  assert.equal(r[4].status, 'error');
  assert.equal(r[4].response.reason, 'unsupported');
  s.ws.send(Buffer.from([0, 9, 9, 9, 9, 1]), { binary: true }); // truncated: nothing to answer
  s.ws.send(Buffer.from([7]), { binary: true });
  s.send([null, '3', 'phoenix', 'heartbeat', {}]);
  assert.equal((await s.next(isReply('3')))[4].status, 'ok');
  await s.close();
});

test('a frame over the limit closes the socket with 1009', async () => {
  const a = await register(server);
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`);
  s.send([null, '1', 'phoenix', 'heartbeat', { pad: 'x'.repeat(5000) }]);
  const closed = await s.closed;
  assert.equal(closed.code, 1009);
});

test('bad tokens and unknown vsn refuse the upgrade with HTTP 403; missing vsn means 1.0.0', async () => {
  const a = await register(server);
  for (const query of ['token=nonsense&vsn=2.0.0', 'vsn=2.0.0', `token=${a.token}&vsn=3.0.0`]) {
    await assert.rejects(JsonSocket.open(`${server.wsBase}/socket/websocket?${query}`), (e) => e.statusCode === 403, query);
  }
  const s = await raw(server, `token=${a.token}`);
  s.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '1' });
  assert.equal((await s.next((m) => m.ref === '1')).event, 'phx_reply');
  await s.close();
});

test('the authToken subprotocol is accepted: "phoenix" is selected and the token authenticates', async () => {
  const a = await register(server);
  const b64 = Buffer.from(a.token).toString('base64').replace(/=/g, '');
  const ws = new WebSocket(`${server.wsBase}/socket/websocket?vsn=2.0.0`, ['phoenix', `base64url.bearer.phx.${b64}`]);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  assert.equal(ws.protocol, 'phoenix');
  ws.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
  const [msg] = await new Promise((resolve) => ws.once('message', (d) => resolve([JSON.parse(d.toString())])));
  assert.equal(msg[3], 'phx_reply');
  ws.close();
});

test('the seed\'s own URL form /socket/websocket/websocket is served too', async () => {
  const a = await register(server);
  const s = await raw(server, `token=${a.token}&vsn=2.0.0`, '/socket/websocket/websocket');
  s.send([null, '1', 'phoenix', 'heartbeat', {}]);
  assert.equal((await s.next(isReply('1')))[4].status, 'ok');
  await s.close();
});

test('a socket that stops heartbeating is closed after the heartbeat timeout', async () => {
  const quick = await startServer({ args: ['--heartbeat-timeout-ms', '600'] });
  try {
    const a = await register(quick);
    const s = await raw(quick, `token=${a.token}&vsn=2.0.0`);
    const t0 = Date.now();
    const closed = await s.closed;
    const waited = Date.now() - t0;
    assert.ok(waited >= 500, `closed after ${waited} ms, before the timeout`);
    assert.equal(closed.code, 1001);
    // One that heartbeats stays open past the timeout.
    const alive = await raw(quick, `token=${a.token}&vsn=2.0.0`);
    for (let i = 0; i < 6; ++i) {
      alive.send([null, String(i), 'phoenix', 'heartbeat', {}]);
      await alive.next(isReply(String(i)));
      await sleep(250);
    }
    assert.equal(alive.ws.readyState, WebSocket.OPEN);
    await alive.close();
  } finally {
    await quick.stop();
  }
});
