'use strict';
// Resume in workspace JSON (docs/api/workspacejson.md#resume): a socket follows
// every channel of its workspace; channel.sync with last_seq replays the missed
// channel events in the normal envelopes, then channel.synced.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const { keys, defaultWorkspace, wsUrl, connect, connectFlat, envelope } = require('./helpers.js');
const R = require('../lib/json-resume.js');

const { adapter, channelEvent } = require('./resume-adapter.js');

test('a client whose socket is killed resumes with channel.sync and ends with the events of one that stayed', async () => {
  const { replayed } = await R.dropAndResume(adapter, { restartServer: false });
  console.log(`# replayed ${replayed} events`);
});

test('resume after the server was SIGKILLed and restarted on the same data', async () => {
  const { replayed } = await R.dropAndResume(adapter, { restartServer: true });
  console.log(`# replayed ${replayed} events after the restart`);
});

test('beyond retention: recovered false with the reason, and nothing replayed', async () => {
  await R.beyondRetention(adapter);
});

test('a long replay while another client keeps posting: every event once, in order', async () => {
  const r = await R.replayWithLiveTraffic(adapter);
  console.log(`# backlog ${r.backlog}; ${r.early} live events came before the replay; ${r.duringReplay} live events waited in the merge and followed it; request to ${adapter.resumeReply ? 'channel_synced' : 'channel.synced'} in ${r.replayMs.toFixed(0)} ms (run ${r.attempts})`);
});

test('channel.synced has the envelope; a sync with nothing missed replays nothing', async () => {
  const server = await startServer({ args: R.FLAGS });
  try {
    const f = await R.setup(server, adapter);
    await R.activity(server, f, 'seen');
    const s = await connect(server, f.watcher, f.ctx);
    const log = new R.ChannelLog(adapter, f.channel.id);
    log.attach(s);
    s.send({ type: 'channel.sync', data: { channel_id: f.channel.id, last_seq: 0 } });
    const all = envelope(await s.next('channel.synced'), 'channel.synced', f.ctx, ['channel_id', 'seq', 'recovered']);
    assert.equal(all.recovered, true);
    assert.equal(log.events.length, all.seq);
    R.assertGapless(log.events, 'full replay');
    // Again from the end: nothing more.
    s.send({ type: 'channel.sync', channel_id: f.channel.id, last_seq: all.seq }); // top-level fields work too
    assert.deepEqual(envelope(await s.next('channel.synced'), 'channel.synced', f.ctx), { channel_id: f.channel.id, seq: all.seq, recovered: true });
    await s.settle();
    assert.equal(log.events.length, all.seq);
    s.close();
  } finally {
    await server.stop();
  }
});

test('bad last_seq, unknown or unreadable channels get INVALID_REQUEST and NOT_FOUND error events', async () => {
  const server = await startServer({ args: R.FLAGS });
  try {
    const a = await register(server), b = await register(server);
    const ws = await defaultWorkspace(server, a.token);
    const priv = (await api(server, 'POST', '/api/v1/channels', a.token, { name: `secret-${Date.now()}`, type: 'private' })).body;
    const pub = (await api(server, 'POST', '/api/v1/channels', a.token, { name: `open-${Date.now()}`, type: 'public' })).body;
    const s = await JsonSocket.open(wsUrl(server, ws, b.token));
    const cases = [
      [{ channel_id: pub.id, last_seq: '3' }, 'INVALID_REQUEST', 'last_seq must be a non-negative integer'],
      [{ channel_id: pub.id, last_seq: -1 }, 'INVALID_REQUEST', 'last_seq must be a non-negative integer'],
      [{ channel_id: pub.id, last_seq: 1.5 }, 'INVALID_REQUEST', 'last_seq must be a non-negative integer'],
      [{ channel_id: pub.id }, 'INVALID_REQUEST', 'last_seq must be a non-negative integer'],
      [{ last_seq: 0 }, 'INVALID_REQUEST', 'channel_id is required'],
      [{ channel_id: 'no-such-channel', last_seq: 0 }, 'NOT_FOUND', 'channel not found in this workspace'],
      [{ channel_id: priv.id, last_seq: 0 }, 'NOT_FOUND', 'channel not found in this workspace'],
    ];
    for (const [data, code, message] of cases) {
      s.send({ type: 'channel.sync', data });
      const err = envelope(await s.next('error'), 'error', ws, ['code', 'message']);
      assert.deepEqual(err, { code, message }, JSON.stringify(data));
    }
    // No replay came of any of them, and the connection is still open.
    assert.ok(await s.noneAfter((m) => m.type === 'channel.synced'));
    s.send({ type: 'channel.sync', data: { channel_id: pub.id, last_seq: 0 } });
    assert.equal((await s.next('channel.synced')).data.recovered, true);
    s.close();
  } finally {
    await server.stop();
  }
});

test('a channel that appeared after connecting resumes without repeating what came live', async () => {
  const server = await startServer({ args: R.FLAGS });
  try {
    const f = await R.setup(server, adapter);
    const s = await connect(server, f.joiner, f.ctx);
    // A private channel the joiner is added to after connecting: followed from the add on.
    const priv = (await api(server, 'POST', '/api/v1/channels', f.actor.token, { name: `added-${Date.now()}`, type: 'private' })).body;
    for (let i = 0; i < 3; i++) await R.post(server, f.actor, priv.id, `before the add ${i}`);
    const log = new R.ChannelLog(adapter, priv.id);
    log.attach(s);
    assert.equal((await api(server, 'POST', `/api/v1/channels/${priv.id}/members`, f.actor.token, { user_id: f.joiner.user.id })).status, 201);
    await s.next((m) => m.type === 'member.joined' && m.data.channel_id === priv.id && m.data.user_id === f.joiner.user.id);
    await R.post(server, f.actor, priv.id, 'after the add');
    await s.next((m) => m.type === 'message.new' && m.data.channel_id === priv.id);
    const live = log.events.map((e) => e.seq);
    const { synced } = await R.resume(adapter, s, priv.id, 0);
    assert.equal(synced.recovered, true);
    await s.settle();
    const seqs = log.events.map((e) => e.seq);
    assert.equal(new Set(seqs).size, seqs.length, `no duplicate: ${seqs}`);
    assert.deepEqual([...seqs].sort((x, y) => x - y), Array.from({ length: synced.seq }, (_, i) => i + 1));
    assert.deepEqual(seqs.slice(0, live.length), live);
    R.assertGapless(log.events.slice(live.length), 'replay');
    // A public channel created after connecting: followed from its creation.
    const frames = [];
    s.ws.on('message', (x) => frames.push(JSON.parse(x.toString())));
    const pub = (await api(server, 'POST', '/api/v1/channels', f.actor.token, { name: `later-${Date.now()}`, type: 'public' })).body;
    await R.post(server, f.actor, pub.id, 'in the new channel');
    await s.next((m) => m.type === 'message.new' && m.data.channel_id === pub.id);
    const p = await R.resume(adapter, s, pub.id, 0);
    assert.equal(p.synced.recovered, true);
    await s.settle();
    const pseqs = frames.map((m) => channelEvent(m, pub.id)).filter(Boolean).map((e) => e.seq);
    assert.deepEqual([...pseqs].sort((x, y) => x - y), Array.from({ length: p.synced.seq }, (_, i) => i + 1), `${pseqs}`);
    s.close();
  } finally {
    await server.stop();
  }
});

test('access lost while away: NOT_FOUND and no replay', async () => {
  const server = await startServer({ args: R.FLAGS });
  try {
    const f = await R.setup(server, adapter);
    const priv = (await api(server, 'POST', '/api/v1/channels', f.actor.token, { name: `lost-${Date.now()}`, type: 'private' })).body;
    assert.equal((await api(server, 'POST', `/api/v1/channels/${priv.id}/members`, f.actor.token, { user_id: f.dropper.user.id })).status, 201);
    const D = new R.ChannelLog(adapter, priv.id);
    let d = D.attach(await connect(server, f.dropper, f.ctx));
    await R.post(server, f.actor, priv.id, 'seen');
    await d.next((m) => m.type === 'message.new' && m.data.channel_id === priv.id);
    const last = D.lastSeq();
    await R.killSocket(d);
    await R.post(server, f.actor, priv.id, 'missed');
    assert.equal((await api(server, 'DELETE', `/api/v1/channels/${priv.id}/members/${f.dropper.user.id}`, f.actor.token)).status, 204);
    const before = D.events.length;
    d = D.attach(await connect(server, f.dropper, f.ctx));
    d.send({ type: 'channel.sync', data: { channel_id: priv.id, last_seq: last } });
    assert.deepEqual(envelope(await d.next('error'), 'error', f.ctx), { code: 'NOT_FOUND', message: 'channel not found in this workspace' });
    assert.ok(await d.noneAfter((m) => m.type === 'channel.synced'));
    assert.equal(D.events.length, before, 'nothing of the channel was replayed');
    d.close();
  } finally {
    await server.stop();
  }
});
