'use strict';
// A real HAProxy (Debian's /usr/sbin/haproxy) on a free 127.0.0.1 port, run
// from the shipped packaging/haproxy/haproxy.cfg unchanged: the node, listen
// and stats addresses are its documented placeholders, given in the
// environment. It stands in front of a startCluster() cluster of three nodes.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
// Required when used: server.js requires cluster-mode.js, which requires this file.
const serverLib = () => require('./server.js');

const HAPROXY = '/usr/sbin/haproxy';
const CONFIG = path.resolve(__dirname, '../../../packaging/haproxy/haproxy.cfg');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function haproxyMissing() {
  return fs.existsSync(HAPROXY) ? null : `${HAPROXY} is missing (Debian haproxy; scripts/setup.sh installs it)`;
}

// nodes: three servers of startCluster(). options.port: the frontend's port
// (default a free one; cluster mode restarts a balancer on its old port).
// Resolves once every node is UP in HAProxy's own health checks. Returns { base, wsBase, port, proc, status(),
// waitStatus(node, status), stop() }; base/wsBase make it usable wherever the
// test helpers take a server.
async function startHaproxy(nodes, options = {}) {
  if (nodes.length !== 3) throw new Error('the shipped config names three nodes, node1..node3');
  const { freePort } = serverLib();
  const port = options.port || await freePort();
  const statsPort = await freePort();
  const env = {
    ...process.env,
    SB_LISTEN: `127.0.0.1:${port}`,
    SB_STATS_LISTEN: `127.0.0.1:${statsPort}`,
    SB_NODE1: `127.0.0.1:${nodes[0].port}`,
    SB_NODE2: `127.0.0.1:${nodes[1].port}`,
    SB_NODE3: `127.0.0.1:${nodes[2].port}`,
  };
  const proc = spawn(HAPROXY, ['-db', '-f', CONFIG], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.output = '';
  // Its request log, for failure messages: the last 64 KiB is enough.
  const keep = (d) => { proc.output = (proc.output + d).slice(-65536); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));

  // { node1: 'UP', node2: 'DOWN', ... } from the stats CSV.
  async function status() {
    const r = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`);
    const out = {};
    for (const line of (await r.text()).split('\n')) {
      const f = line.split(',');
      if (f[0] === 'switchboard_nodes' && /^node\d$/.test(f[1])) out[f[1]] = f[17].split(' ')[0];
    }
    return out;
  }
  // Polls HAProxy's view (its checks run every second) until `node` is `want`.
  async function waitStatus(node, want, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`haproxy exited: ${proc.output}`);
      try { last = await status(); if (last[node] === want) return last; } catch (_) { /* not listening yet */ }
      await sleep(100);
    }
    throw new Error(`${node} not ${want} in haproxy after ${timeoutMs} ms: ${JSON.stringify(last)}\n${proc.output}`);
  }
  const balancer = {
    port, statsPort, proc, status, waitStatus, exited,
    base: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
  try {
    for (const n of ['node1', 'node2', 'node3']) await waitStatus(n, 'UP');
  } catch (e) {
    await balancer.stop();
    throw e;
  }
  return balancer;
}

module.exports = { startHaproxy, haproxyMissing, HAPROXY, CONFIG };
