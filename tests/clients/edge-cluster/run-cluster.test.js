'use strict';
// scripts/run-cluster.sh as a user runs it (README, the third way to run):
// it prints the balancer's URL, the cluster behind it works (a user registers,
// polling sessions are tagged by node and spread), and SIGTERM or Ctrl-C
// (SIGINT to its process group, as a terminal sends it) stops everything and
// removes its temporary directory. It runs the binary the tests run
// (SWITCHBOARD_SERVER), so nothing is built here.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { register, BINARY, ROOT } = require('../lib/server.js');
const { clusterMissing } = require('../lib/cluster.js');
const { haproxyMissing } = require('../lib/haproxy.js');
const sio = require('../socketio/sio.js');

const missing = clusterMissing() || haproxyMissing();

// True if something accepts connections on 127.0.0.1:port.
function listening(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

// Five consecutive ports nobody listens on (the script's PORT..PORT+4),
// below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768 and
// up here): a port there may be held by an outgoing connection of another test
// running beside this one, which no listen check can see.
async function freeBase() {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 12000);
    const used = await Promise.all([0, 1, 2, 3, 4].map((i) => listening(base + i)));
    if (!used.some(Boolean)) return base;
  }
}

async function runCluster() {
  const port = await freeBase();
  const proc = spawn('bash', [path.join(ROOT, 'scripts', 'run-cluster.sh'), '--fast-password-hashing', 'true'], {
    env: { ...process.env, SWITCHBOARD_SERVER: BINARY, SWITCHBOARD_CLUSTER_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, like a terminal's foreground job
  });
  proc.output = '';
  proc.stdout.on('data', (d) => { proc.output += d; });
  proc.stderr.on('data', (d) => { proc.output += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = await new Promise((resolve, reject) => {
    const check = () => {
      const m = /cluster ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output);
      if (m) resolve(m[1]);
    };
    proc.stdout.on('data', check);
    exited.then((e) => reject(new Error(`run-cluster.sh exited ${JSON.stringify(e)}:\n${proc.output}`)));
  });
  const tmp = /logs\s+(\/tmp\/switchboard-cluster\.\w+)/.exec(proc.output)[1];
  return { proc, port, url: ready, tmp, exited };
}

async function checkAndStop(signal) {
  const run = await runCluster();
  try {
    assert.equal(run.url, `http://127.0.0.1:${run.port}`);
    assert.ok(fs.existsSync(run.tmp));
    const lb = { base: run.url };
    const user = await register(lb);
    assert.ok(user.token);
    const tags = [];
    for (let i = 0; i < 3; i++) tags.push((await sio.pollingHandshake(lb)).sid.split('.')[0]);
    assert.deepEqual(new Set(tags), new Set(['node1', 'node2', 'node3']));
  } finally {
    process.kill(-run.proc.pid, signal); // the whole group, as Ctrl-C does
  }
  const exit = await run.exited;
  assert.deepEqual(exit, { code: signal === 'SIGINT' ? 130 : 143, signal: null }, run.proc.output);
  assert.match(run.proc.output, /stopped; temporary data removed/);
  assert.equal(fs.existsSync(run.tmp), false, 'the temporary directory is gone');
  for (let i = 0; i <= 4; i++) assert.equal(await listening(run.port + i), false, `nothing left on ${run.port + i}`);
}

if (missing) {
  test('scripts/run-cluster.sh', { skip: `skipped: ${missing}` }, () => {});
} else {
  test('run-cluster.sh: a working cluster behind HAProxy; SIGTERM stops it and cleans up', () => checkAndStop('SIGTERM'));
  test('run-cluster.sh: Ctrl-C (SIGINT to the group) stops it and cleans up', () => checkAndStop('SIGINT'));
}
