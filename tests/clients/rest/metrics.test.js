'use strict';
// /metrics histograms: event-loop lag (LoopLagProbe), storage commit
// durations and the stages of a message's time in the server, in the
// Prometheus text format.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, nodeOf, JsonSocket } = require('../lib/server.js');

let server;
test.before(async () => { server = await startServer(); });
test.after(async () => { await server.stop(); });

// { buckets: [[le, count]...], sum, count, type } of one histogram.
function histogram(text, name) {
  const lines = text.split('\n');
  const type = lines.find((l) => l.startsWith(`# TYPE ${name} `));
  const buckets = [];
  let sum, count;
  for (const l of lines) {
    let m = l.match(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`));
    if (m) buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
    m = l.match(new RegExp(`^${name}_sum (\\S+)$`));
    if (m) sum = Number(m[1]);
    m = l.match(new RegExp(`^${name}_count (\\S+)$`));
    if (m) count = Number(m[1]);
  }
  return { type, buckets, sum, count };
}

function assertWellFormed(h, name) {
  assert.equal(h.type, `# TYPE ${name} histogram`);
  assert.ok(h.buckets.length >= 10, `${name}: ${h.buckets.length} buckets`);
  assert.equal(h.buckets.at(-1)[0], Infinity, `${name}: ends with +Inf`);
  for (let i = 1; i < h.buckets.length; ++i) {
    assert.ok(h.buckets[i][0] > h.buckets[i - 1][0], `${name}: le ascending`);
    assert.ok(h.buckets[i][1] >= h.buckets[i - 1][1], `${name}: cumulative counts never go down`);
  }
  assert.equal(h.count, h.buckets.at(-1)[1], `${name}: _count is the +Inf bucket`);
  assert.ok(Number.isFinite(h.sum) && h.sum >= 0, `${name}: _sum`);
  // Bounds in seconds, 0.1 ms to 2.5 s.
  assert.equal(h.buckets[0][0], 0.0001);
  assert.ok(h.buckets.some(([le]) => le === 0.001));
  assert.ok(h.buckets.some(([le]) => le === 2.5));
}

test('/metrics has histograms of event-loop lag and of storage commit times', async () => {
  // One process's histograms: on a cluster (lib/cluster-mode.js) one node's.
  const node = nodeOf(server);
  await register(node); // some storage commits
  let text;
  // The probe ticks every 25 ms: poll (bounded) until it has observed some.
  for (let i = 0; i < 200; ++i) {
    text = (await api(node, 'GET', '/metrics')).text;
    if (histogram(text, 'switchboard_event_loop_lag_seconds').count > 0) break;
  }
  const lag = histogram(text, 'switchboard_event_loop_lag_seconds');
  assertWellFormed(lag, 'switchboard_event_loop_lag_seconds');
  assert.ok(lag.count > 0, 'the probe has observed the loop');
  assertWellFormed(histogram(text, 'switchboard_storage_commit_duration_seconds'), 'switchboard_storage_commit_duration_seconds');
  // Later scrapes only grow.
  const again = histogram((await api(node, 'GET', '/metrics')).text, 'switchboard_event_loop_lag_seconds');
  assert.ok(again.count >= lag.count);
  again.buckets.forEach(([, c], i) => assert.ok(c >= lag.buckets[i][1]));
});

test('/metrics times the stages of a message in the server, and each message is counted in them', async () => {
  // One node: the message, its commit and its send all happen there.
  const node = nodeOf(server);
  const stages = ['switchboard_event_loop_pass_seconds', 'switchboard_storage_queue_wait_seconds',
    'switchboard_storage_handback_wait_seconds', 'switchboard_send_wait_seconds'];
  const alice = await register(node);
  const general = (await api(node, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general');
  const s = await JsonSocket.open(`${node.wsBase}/ws?token=${alice.token}`);
  await s.next('connection_established');
  const read = async () => {
    const text = (await api(node, 'GET', '/metrics')).text;
    return Object.fromEntries(stages.map((name) => [name, histogram(text, name)]));
  };
  const before = await read();
  // A message: its write waits for the storage thread, its commit is handed
  // back to the loop, and the acknowledgement is a message frame sent.
  s.send({ type: 'send_message', channel_id: general.id, content: 'timed' });
  await s.next('message_sent');
  // The scrape after the acknowledgement is a later request: every stage of the message is counted by then.
  const after = await read();
  await s.close();
  for (const name of stages) {
    assertWellFormed(after[name], name);
    assert.ok(after[name].count > before[name].count, `${name}: ${before[name].count} -> ${after[name].count}`);
    assert.ok(after[name].sum >= before[name].sum, `${name}: _sum never goes down`);
  }
});
