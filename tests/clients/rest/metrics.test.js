'use strict';
// /metrics histograms: event-loop lag (LoopLagProbe) and storage commit
// durations, in the Prometheus text format.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, nodeOf } = require('../lib/server.js');

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
  // Bounds in seconds, 1 ms to 2.5 s.
  assert.equal(h.buckets[0][0], 0.001);
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
