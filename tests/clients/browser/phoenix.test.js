'use strict';
// Phoenix Channels in a real browser: the official phoenix.js bundle in
// headless Chromium, on a page served from another origin than the chat
// server, over WebSocket and over long-poll (cross-origin XHR with CORS).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register } = require('../lib/server.js');
const phx = require('../phoenix/phx.js');
const { startStaticServer, BrowserRun, originFlag, take } = require('./harness.js');

let server, site, run, alice, bob, topic;
before(async () => {
  site = await startStaticServer();
  server = await startServer({ args: [originFlag().flag, site.origin, '--rate-messages-per-minute', '0'] });
  [alice, bob] = await Promise.all([register(server), register(server)]);
  topic = `channel:${(await phx.general(server, alice.token)).id}`;
  run = await BrowserRun.launch();
});
after(async () => {
  await run?.close();
  await site?.close();
  await server?.stop();
});

// Opens a page whose phoenix.js Socket (tag 'p') is connected over transport
// and has joined the general channel.
async function joinedPage(user, transport) {
  const page = await run.open(site.origin, `${transport}-${user.username}`);
  await page.evaluate((url, token, tr) => { phxConnect('p', url, token, tr); }, `${server.wsBase}/socket`, user.token, transport);
  assert.deepEqual(await take(page, 'p', 'open'), { transport });
  const joined = await page.evaluate((tp) => phxJoin('p', tp), topic);
  assert.equal(joined.status, 'ok', JSON.stringify(joined));
  assert.equal(`channel:${joined.response.channel.id}`, topic);
  return page;
}

const push = (page, event, payload) => page.evaluate((tp, e, p) => phxPush('p', tp, e, p), topic, event, payload);

test('phoenix.js over WebSocket: join, push send_message, receive the broadcast both ways', (t) => run.run(t.name, async () => {
  const listener = await phx.connect(server, bob.token);
  try {
    const { channel, inbox, status } = await phx.join(listener, topic);
    assert.equal(status, 'ok');
    const page = await joinedPage(alice, 'websocket');
    assert.equal(await page.evaluate(() => sockets.p.conn instanceof WebSocket), true);

    const sent = await push(page, 'send_message', { content: 'from the browser over ws', temp_id: 't1' });
    assert.equal(sent.status, 'ok', JSON.stringify(sent));
    assert.equal(sent.response.temp_id, 't1');
    const m = await inbox.next('new_message', (p) => p.message.content === 'from the browser over ws');
    assert.equal(m.message.id, sent.response.message.id);

    const back = await phx.reply(channel.push('send_message', { content: 'to the browser', temp_id: 't2' }));
    assert.equal(back.status, 'ok');
    const got = await take(page, 'p', 'new_message', {});
    assert.equal(got.message.content, 'to the browser');
    assert.equal(got.message.id, back.response.message.id);
  } finally {
    await phx.disconnect(listener);
  }
}));

test('phoenix.js over LongPoll (cross-origin XHR): join, push, and broadcasts to and from a WebSocket page', (t) => run.run(t.name, async () => {
  const lp = await joinedPage(alice, 'longpoll');
  const ws = await joinedPage(bob, 'websocket');
  assert.equal(await lp.evaluate(() => sockets.p.conn instanceof Phoenix.LongPoll), true);

  const sent = await push(lp, 'send_message', { content: 'from long-poll', temp_id: 'lp1' });
  assert.equal(sent.status, 'ok', JSON.stringify(sent));
  const m = await take(ws, 'p', 'new_message', {});
  assert.equal(m.message.content, 'from long-poll');
  assert.equal(m.message.id, sent.response.message.id);

  const back = await push(ws, 'send_message', { content: 'to long-poll', temp_id: 'ws1' });
  assert.equal(back.status, 'ok', JSON.stringify(back));
  const got = await take(lp, 'p', 'new_message', {});
  assert.equal(got.message.content, 'to long-poll');

  // Every long-poll exchange went cross-origin and was allowed by CORS.
  const polls = lp.responses.filter((r) => r.url.startsWith(`${server.base}/socket/longpoll`) && r.method !== 'OPTIONS');
  assert.ok(polls.some((r) => r.method === 'GET') && polls.some((r) => r.method === 'POST'), JSON.stringify(polls.map((r) => r.method)));
  for (const r of polls) assert.equal(r.headers['access-control-allow-origin'], site.origin, r.url);
}));

test('phoenix.js: a bad token surfaces as a socket error over WebSocket and over LongPoll', (t) => run.run(t.name, async () => {
  for (const transport of ['websocket', 'longpoll']) {
    const page = await run.open(site.origin, `bad-${transport}`);
    await page.evaluate((url, tr) => { phxConnect('p', url, 'not-a-token', tr); }, `${server.wsBase}/socket`, transport);
    await take(page, 'p', 'error');
    assert.equal(await page.evaluate(() => sockets.p.isConnected()), false, transport);
    assert.ok(!(await page.evaluate(() => window.received.some((x) => x.name === 'open'))), `${transport}: never opened`);
  }
}));
