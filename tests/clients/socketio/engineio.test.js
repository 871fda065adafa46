'use strict';
// Engine.IO v4 as the wire sees it (engine.io-protocol v4), with raw HTTP and raw
// WebSocket: what the official client does, and what broken clients do.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, sleep } = require('../lib/server');
const { poll, heldPoll, post, pollingHandshake, RawSocket, RS } = require('./sio');

let server, alice;
before(async () => {
  server = await startServer({ args: ['--ping-interval-ms', '400', '--ping-timeout-ms', '3000'] });
  alice = await register(server);
});
after(async () => { await server.stop(); });

test('polling handshake returns the open packet with every field', async () => {
  const r = await poll(server, { t: 'abc', room: 'lobby' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  assert.equal(r.text[0], '0');
  const open = JSON.parse(r.text.slice(1));
  assert.equal(typeof open.sid, 'string');
  assert.ok(open.sid.length >= 16);
  assert.deepEqual(open.upgrades, ['websocket']);
  assert.equal(open.pingInterval, 400);
  assert.equal(open.pingTimeout, 3000);
  assert.equal(open.maxPayload, 1000000);
});

test('websocket-born session gets the open packet first, with no upgrades', async () => {
  const ws = await RawSocket.open(server);
  const open = JSON.parse((await ws.next('0')).slice(1));
  assert.deepEqual(open.upgrades, []);
  assert.equal(typeof open.sid, 'string');
  await ws.close();
});

test('a GET with nothing queued is held until the server ping, and the pong keeps the session', async () => {
  const { sid } = await pollingHandshake(server);
  const started = Date.now();
  const r = await poll(server, { sid });
  const waited = Date.now() - started;
  assert.equal(r.status, 200);
  assert.equal(r.text, '2');
  assert.ok(waited >= 250, `GET answered after ${waited} ms, expected to be held`);
  assert.equal((await post(server, sid, '3')).text, 'ok');
  assert.equal((await poll(server, { sid })).text, '2');
  await post(server, sid, '1');
});

test('queued packets come back together, separated by \\x1e', async () => {
  const { sid } = await pollingHandshake(server);
  assert.equal((await post(server, sid, `40${JSON.stringify({ token: alice.token })}`)).status, 200);
  const connectReply = await poll(server, { sid });
  const records = connectReply.text.split(RS);
  // The CONNECT answer: the socket id and the private recovery id (pid).
  assert.match(records[0], /^40\{"pid":"[^"]+","sid":"[^"]+"\}$/);
  assert.ok(records.some((r) => r.startsWith('42["authenticated"')), connectReply.text);
  // Two events in one POST, two pongs back in one GET.
  assert.equal((await post(server, sid, `42["ping"]${RS}421["ping"]`)).text, 'ok');
  let body = '';
  for (let i = 0; i < 3 && !(body.includes('431[') && body.includes('42["pong"')); ++i)
    body += RS + (await poll(server, { sid })).text;
  const recs = body.split(RS).filter((x) => x && x !== '2');
  assert.ok(recs.filter((r) => r.startsWith('42["pong"')).length >= 2, body);
  assert.ok(recs.some((r) => r.startsWith('431[{"data":{"timestamp"')), body);
  await post(server, sid, '1');
});

test('unknown sid is refused with 400 code 1', async () => {
  const g = await poll(server, { sid: 'nope-not-a-session' });
  assert.equal(g.status, 400);
  assert.deepEqual(JSON.parse(g.text), { code: 1, message: 'Session ID unknown' });
  const p = await post(server, 'nope-not-a-session', '40');
  assert.equal(p.status, 400);
  assert.equal(JSON.parse(p.text).code, 1);
});

test('POST without sid is a bad handshake method (400 code 2)', async () => {
  const r = await poll(server, {}, { method: 'POST', body: '40' });
  assert.equal(r.status, 400);
  assert.deepEqual(JSON.parse(r.text), { code: 2, message: 'Bad handshake method' });
});

test('unknown transport and protocol version are refused', async () => {
  const t = await poll(server, { transport: 'carrier-pigeon' });
  assert.equal(t.status, 400);
  assert.deepEqual(JSON.parse(t.text), { code: 0, message: 'Transport unknown' });
  const v = await poll(server, { EIO: '3' });
  assert.equal(v.status, 400);
  assert.deepEqual(JSON.parse(v.text), { code: 5, message: 'Unsupported protocol version' });
  await assert.rejects(RawSocket.open(server, { EIO: '3' }), (e) => e.statusCode === 400);
  await assert.rejects(RawSocket.open(server, { sid: 'unknown-sid' }), (e) => e.statusCode === 400);
});

test('a second concurrent GET is refused with 400 and ends the session', async () => {
  const { sid } = await pollingHandshake(server);
  const first = await heldPoll(server, { sid });
  const second = await poll(server, { sid });
  assert.equal(second.status, 400);
  const firstDone = await first.response;
  assert.equal(firstDone.text, '1'); // the held GET learns of the close
  assert.equal((await poll(server, { sid })).status, 400);
});

test('a held GET whose connection dropped does not make the next GET a duplicate', async () => {
  const { sid } = await pollingHandshake(server);
  const ctrl = new AbortController();
  const held = await heldPoll(server, { sid }, { signal: ctrl.signal });
  ctrl.abort();
  assert.equal(await held.response.catch((e) => e.name), 'AbortError');
  // Not an ordering sleep: nothing the server does on a dropped connection
  // can be observed from here, and the next GET must come after it saw it.
  await sleep(100);
  const again = await poll(server, { sid });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.text, '2');
  await post(server, sid, '1');
});

test('a POST larger than maxPayload is refused with 413 and ends the session', async () => {
  const { sid } = await pollingHandshake(server);
  const big = '4' + 'x'.repeat(1000001);
  const r = await post(server, sid, big);
  assert.equal(r.status, 413);
  assert.equal((await poll(server, { sid })).status, 400);
});

test('garbage Engine.IO packets end the session (polling and websocket)', async () => {
  for (const garbage of ['9hello', `4ok${RS}${RS}`, 'b@@@', '0{}', '']) {
    const { sid } = await pollingHandshake(server);
    const r = await post(server, sid, garbage);
    assert.equal(r.status, 400, `POST ${JSON.stringify(garbage)} gave ${r.status}`);
    assert.equal((await poll(server, { sid })).status, 400);
  }
  for (const garbage of ['x', '7', '5', '']) {
    const ws = await RawSocket.open(server);
    await ws.next('0');
    ws.send(garbage);
    const closed = await Promise.race([ws.closed, sleep(2000).then(() => null)]);
    assert.ok(closed, `websocket stayed open after ${JSON.stringify(garbage)}`);
  }
});

test('polling to websocket upgrade: 2probe/3probe, noop releases the GET, 5 switches', async () => {
  const { sid } = await pollingHandshake(server);
  await post(server, sid, `40${JSON.stringify({ token: alice.token })}`);
  assert.match((await poll(server, { sid })).text, /^40\{"pid":"[^"]+","sid"/);
  const held = await heldPoll(server, { sid });
  const ws = await RawSocket.open(server, { sid });
  ws.send('2probe');
  assert.equal(await ws.next('3'), '3probe');
  const released = await held.response;
  assert.ok(released.text.split(RS).includes('6'), `held GET got ${released.text}`);
  ws.send('5');
  // Now everything goes over the WebSocket (after the "5" on the same socket:
  // the pong below comes once the upgrade is done) and polling is over.
  ws.send('42["ping"]');
  assert.match(await ws.next('42["pong"'), /^42\["pong",\{"timestamp":"/);
  assert.equal((await poll(server, { sid })).status, 400);
  assert.equal((await post(server, sid, '42["ping"]')).status, 400);
  // A second WebSocket for the same sid is refused.
  await assert.rejects(RawSocket.open(server, { sid }), (e) => e.statusCode === 400);
  // Server pings reach the WebSocket; the session stays alive when answered.
  assert.equal(await ws.next((f) => f === '2', 2000), '2');
  ws.send('3');
  await ws.close();
});

// The official client pauses polling on 3probe once its poll in flight
// returns. When the noop for the first poll reaches it before 3probe does (two
// TCP connections, no order between them), it has already polled again: that
// poll must be answered too, not held until the next ping, which comes after
// the upgrade timeout (the client then stays paused for good: seen in CI).
test('every poll between 3probe and 5 is answered with a noop at once', async () => {
  const slow = await startServer({ args: ['--ping-interval-ms', '25000', '--ping-timeout-ms', '20000'] });
  try {
    const bob = await register(slow);
    const { sid } = await pollingHandshake(slow);
    await post(slow, sid, `40${JSON.stringify({ token: bob.token })}`);
    assert.match((await poll(slow, { sid })).text, /^40\{"pid":"[^"]+","sid"/);
    const ws = await RawSocket.open(slow, { sid });
    ws.send('2probe');
    assert.equal(await ws.next('3'), '3probe');
    // No poll was held when 3probe went out: the next one, and the one after
    // it, are answered with a noop, well before the 25 s ping would be.
    for (let i = 0; i < 2; ++i) {
      const r = await poll(slow, { sid }, { signal: AbortSignal.timeout(5000) });
      assert.equal(r.status, 200);
      assert.deepEqual(r.text.split(RS), ['6'], `poll ${i + 1} during the upgrade got ${r.text}`);
    }
    ws.send('5');
    ws.send('42["ping"]');
    assert.match(await ws.next('42["pong"'), /^42\["pong",\{"timestamp":"/);
    await ws.close();
  } finally {
    await slow.stop();
  }
});

test('a failed probe leaves polling working', async () => {
  const { sid } = await pollingHandshake(server);
  const ws = await RawSocket.open(server, { sid });
  ws.send('hello');
  const closed = await Promise.race([ws.closed, sleep(2000).then(() => null)]);
  assert.ok(closed, 'bad probe socket stayed open');
  const r = await poll(server, { sid });
  assert.equal(r.status, 200);
  await post(server, sid, '1');
});

test('client close over polling: POST 1, then the sid is forgotten', async () => {
  const { sid } = await pollingHandshake(server);
  const held = await heldPoll(server, { sid });
  assert.equal((await post(server, sid, '1')).text, 'ok');
  assert.equal((await held.response).text, '6');
  assert.equal((await poll(server, { sid })).status, 400);
});

test('no pong within pingTimeout closes the session', async () => {
  const fast = await startServer({ args: ['--ping-interval-ms', '150', '--ping-timeout-ms', '150'] });
  try {
    const ws = await RawSocket.open(fast);
    await ws.next('0');
    assert.equal(await ws.next((f) => f === '2'), '2');
    const closed = await Promise.race([ws.closed, sleep(3000).then(() => null)]);
    assert.ok(closed, 'session survived without pongs');
    const { sid } = await pollingHandshake(fast);
    assert.equal((await poll(fast, { sid })).text, '2');
    // No pong: the next GET is held until the pong timeout ends the session
    // ("1"), or, if it comes after that, refused at once.
    let r = await poll(fast, { sid });
    if (r.status === 200) {
      assert.equal(r.text, '1');
      r = await poll(fast, { sid });
    }
    assert.equal(r.status, 400);
  } finally {
    await fast.stop();
  }
});

test('CORS: allowed origins are echoed; others get no echo, and 403 with the token cookie; Node clients without Origin pass', async () => {
  const cors = await startServer({ args: ['--cors-origins', 'http://allowed.test, http://also.test'] });
  try {
    const ok = await poll(cors, {}, { headers: { Origin: 'http://allowed.test' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'http://allowed.test');
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(ok.headers.get('vary'), 'Origin');
    const sid = JSON.parse(ok.text.slice(1)).sid;
    const p = await poll(cors, { sid }, { method: 'POST', body: '1', headers: { Origin: 'http://allowed.test' } });
    assert.equal(p.headers.get('access-control-allow-origin'), 'http://allowed.test');

    // Another origin: no echo (the browser will not hand the answer to the page) ...
    const other = await poll(cors, {}, { headers: { Origin: 'http://evil.test' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    // ... and with the token cookie, which the browser adds by itself, refused outright.
    const bad = await poll(cors, {}, { headers: { Origin: 'http://evil.test', Cookie: 'token=x' } });
    assert.equal(bad.status, 403);
    assert.deepEqual(JSON.parse(bad.text), { code: 4, message: 'Forbidden' });
    assert.equal(bad.headers.get('access-control-allow-origin'), null);

    const none = await poll(cors, {}, { headers: { Cookie: 'token=x' } });
    assert.equal(none.status, 200);

    const pre = await poll(cors, {}, {
      method: 'OPTIONS',
      headers: { Origin: 'http://also.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-custom' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://also.test');
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    assert.equal(pre.headers.get('access-control-allow-headers'), 'x-custom');
    const badPre = await poll(cors, {}, { method: 'OPTIONS', headers: { Origin: 'http://evil.test', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(badPre.status, 403);
    assert.equal(badPre.headers.get('access-control-allow-origin'), null);

    await assert.rejects(RawSocket.open(cors, {}, { origin: 'http://evil.test', headers: { Cookie: 'token=x' } }), (e) => e.statusCode === 403);
    const noCookie = await RawSocket.open(cors, {}, { origin: 'http://evil.test' });
    await noCookie.next('0');
    await noCookie.close();
    const good = await RawSocket.open(cors, {}, { origin: 'http://allowed.test', headers: { Cookie: 'token=x' } });
    await good.next('0');
    await good.close();
  } finally {
    await cors.stop();
  }
});
