'use strict';
// Resume in flat JSON (docs/api/flatjson.md#resume): join_channel with last_seq
// replays the missed channel events in the normal frames, then channel_synced.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const R = require('../lib/json-resume.js');

const { adapter, connect } = require('./resume-adapter.js');

test('a client whose socket is killed resumes with join_channel last_seq and ends with the events of one that stayed', async () => {
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

test('join_channel with last_seq on a public channel not joined yet replays from there and follows it', async () => {
  const server = await startServer({ args: R.FLAGS });
  try {
    const f = await R.setup(server, adapter);
    await R.activity(server, f, 'earlier');
    const s = await connect(server, f.joiner);
    const log = new R.ChannelLog(adapter, f.channel.id);
    log.attach(s);
    const { reply, synced } = await R.resume(adapter, s, f.channel.id, 5);
    assert.equal(synced.recovered, true);
    assert.equal(reply.seq, synced.seq);
    await s.settle();
    // Every event after 5 once, the joiner's own join (made by this request) the newest;
    // it may come live before the replay of the older ones (docs/api/flatjson.md#resume).
    const seqs = log.events.map((e) => e.seq);
    const newest = Math.max(...seqs);
    assert.deepEqual([...seqs].sort((x, y) => x - y), Array.from({ length: newest - 5 }, (_, i) => i + 6));
    assert.deepEqual(log.events.find((e) => e.seq === newest), { type: 'user_joined', seq: newest, user: f.joiner.user.id });
    assert.ok(synced.seq === newest || synced.seq === newest - 1, `synced at ${synced.seq}`);
    R.assertGapless(log.events.filter((e) => e.seq < newest), 'replay');
    await R.post(server, f.actor, f.channel.id, 'now live');
    await s.next((m) => m.type === 'new_message' && m.seq === newest + 1);
    s.close();
  } finally {
    await server.stop();
  }
});

test('bad last_seq, unknown or unreadable channels get join_channel errors in the seed format', async () => {
  const server = await startServer({ args: R.FLAGS });
  try {
    const a = await register(server), b = await register(server);
    const priv = (await api(server, 'POST', '/api/v1/channels', a.token, { name: `secret-${Date.now()}`, type: 'private' })).body;
    const pub = (await api(server, 'POST', '/api/v1/channels', a.token, { name: `open-${Date.now()}`, type: 'public' })).body;
    const s = await connect(server, b);
    const cases = [
      [{ channel_id: pub.id, last_seq: '3' }, 'join_channel_error', 'last_seq must be a non-negative integer'],
      [{ channel_id: pub.id, last_seq: -1 }, 'join_channel_error', 'last_seq must be a non-negative integer'],
      [{ channel_id: pub.id, last_seq: 1.5 }, 'join_channel_error', 'last_seq must be a non-negative integer'],
      [{ channel_id: pub.id, last_seq: {} }, 'join_channel_error', 'last_seq must be a non-negative integer'],
      [{ channel_id: 'no-such-channel', last_seq: 0 }, 'join_channel_error', 'Channel not found'],
      [{ channel_id: priv.id, last_seq: 0 }, 'access_denied', null],
      [{ last_seq: 0 }, 'missing_channel_id', 'channel_id is required'],
    ];
    for (const [fields, code, message] of cases) {
      s.send({ type: 'join_channel', ...fields });
      const err = await s.next('error');
      assert.equal(err.error_code, code, JSON.stringify({ fields, err }));
      if (message) assert.equal(err.message, message);
      assert.ok(['error_code', 'message', 'type'].every((k) => k in err));
    }
    // No join and no replay came of any of them (a round trip after the last).
    assert.ok(await s.noneAfter((m) => m.type === 'channel_joined' || m.type === 'channel_synced'));
    // The connection still works: a good resume of the public channel.
    const { synced } = await R.resume(adapter, s, pub.id, 0);
    assert.equal(synced.recovered, true);
    s.close();
  } finally {
    await server.stop();
  }
});

test('a channel the user was added to after connecting resumes without repeating what came live', async () => {
  const server = await startServer({ args: R.FLAGS });
  try {
    const f = await R.setup(server, adapter);
    const priv = (await api(server, 'POST', '/api/v1/channels', f.actor.token, { name: `added-${Date.now()}`, type: 'private' })).body;
    for (let i = 0; i < 3; i++) await R.post(server, f.actor, priv.id, `before the add ${i}`);
    const s = await connect(server, f.joiner);
    const log = new R.ChannelLog(adapter, priv.id);
    log.attach(s);
    assert.equal((await api(server, 'POST', `/api/v1/channels/${priv.id}/members`, f.actor.token, { user_id: f.joiner.user.id })).status, 201);
    await s.next((m) => m.type === 'user_joined' && m.channel_id === priv.id && m.user_id === f.joiner.user.id);
    await R.post(server, f.actor, priv.id, 'after the add');
    await s.next((m) => m.type === 'new_message' && m.data.channelId === priv.id);
    const live = log.events.map((e) => e.seq);
    // The creator's join and the three messages are older than the add: only they are replayed.
    const { synced } = await R.resume(adapter, s, priv.id, 0);
    assert.equal(synced.recovered, true);
    await s.settle();
    const seqs = log.events.map((e) => e.seq);
    assert.equal(new Set(seqs).size, seqs.length, `no duplicate: ${seqs}`);
    assert.deepEqual([...seqs].sort((x, y) => x - y), Array.from({ length: synced.seq }, (_, i) => i + 1));
    assert.deepEqual(seqs.slice(0, live.length), live);
    R.assertGapless(log.events.slice(live.length), 'replay');
    s.close();
  } finally {
    await server.stop();
  }
});

test('access lost while away: access_denied and no replay', async () => {
  const server = await startServer({ args: R.FLAGS });
  try {
    const f = await R.setup(server, adapter);
    const priv = (await api(server, 'POST', '/api/v1/channels', f.actor.token, { name: `lost-${Date.now()}`, type: 'private' })).body;
    assert.equal((await api(server, 'POST', `/api/v1/channels/${priv.id}/members`, f.actor.token, { user_id: f.dropper.user.id })).status, 201);
    const D = new R.ChannelLog(adapter, priv.id);
    let d = D.attach(await connect(server, f.dropper));
    await R.post(server, f.actor, priv.id, 'seen');
    await d.next((m) => m.type === 'new_message' && m.data.channelId === priv.id);
    const last = D.lastSeq();
    await R.killSocket(d);
    await R.post(server, f.actor, priv.id, 'missed');
    assert.equal((await api(server, 'DELETE', `/api/v1/channels/${priv.id}/members/${f.dropper.user.id}`, f.actor.token)).status, 204);
    const before = D.events.length;
    d = D.attach(await connect(server, f.dropper));
    d.send({ type: 'join_channel', channel_id: priv.id, last_seq: last });
    const err = await d.next('error');
    assert.equal(err.error_code, 'access_denied');
    assert.ok(await d.noneAfter((m) => m.type === 'channel_joined' || m.type === 'channel_synced'));
    assert.equal(D.events.length, before, 'nothing of the channel was replayed');
    d.close();
  } finally {
    await server.stop();
  }
});
