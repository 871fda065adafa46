'use strict';
// The cluster benchmark (bench/cluster/cluster-bench.js, bench/README.md) at a
// tiny size: three real nodes on PostgreSQL and redis-server. Its figures are
// only worth reporting if what it counts is right, so this checks the counts:
// every expected delivery arrived in every layout, cross-node deliveries exist
// only when the room spans nodes, the idle crowd was held by two nodes through
// several generator processes, and every client of the killed node came back on node 3.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { clusterMissing } = require('../lib/cluster.js');

const missing = clusterMissing();
const script = path.resolve(__dirname, '../../../bench/cluster/cluster-bench.js');

test('cluster benchmark counts', { skip: missing ? `skipped: ${missing}` : false }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-bench-test-'));
  const json = path.join(dir, 'r.json');
  const md = path.join(dir, 'r.md');
  const args = [script, '--rates', '40', '--seconds', '1', '--idle-per-node', '60', '--per-worker', '25',
    '--inflight', '8', '--json', json, '--output', md];
  await new Promise((resolve, reject) => execFile('node', args, { env: process.env, maxBuffer: 1 << 24 },
    (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve())));
  const r = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.deepEqual(r.fanout.map((x) => [x.nodes, x.publishers_spread]),
    [[1, true], [2, true], [3, true], [2, false], [3, false]]);
  for (const x of r.fanout) {
    assert.ok(x.sent > 0, `nothing sent at ${x.nodes} nodes`);
    assert.equal(x.delivered, x.expected, `${x.nodes} nodes: deliveries`);
    assert.equal(x.same_n + x.cross_n, x.delivered);
    if (x.nodes === 1) assert.equal(x.cross_n, 0);
    else assert.ok(x.cross_n > 0 && x.same_n > 0, `${x.nodes} nodes: both kinds of delivery`);
  }
  assert.deepEqual(r.idle.connected, [60, 60]);
  assert.deepEqual(r.idle.failed, [0, 0]);
  assert.equal(r.recovery.lost, 60);
  assert.equal(r.recovery.recovered, 60);
  assert.ok(r.recovery.seconds > 0);
  const page = fs.readFileSync(md, 'utf8');
  assert.match(page, /Noisy figures/);
  assert.match(page, /\| 60 \| 60 \|/); // the recovery row
  fs.rmSync(dir, { recursive: true, force: true });
});
