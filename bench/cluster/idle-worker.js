'use strict';
// A child of bench/cluster/cluster-bench.js: holds idle flat JSON connections,
// so no process of the generator needs more than the 20,000 open files one
// process may have here. Messages over IPC:
//   {cmd: 'open', conns: [{url, fallback}], inflight}  -> {ev: 'opened', ok, failed, t}
//   a socket whose node goes away reconnects to its fallback URL (no backoff:
//   the figure is how fast the surviving node takes them) -> {ev: 'recovered', n, lost, t}
//   {cmd: 'close'}                                     -> {ev: 'closed'}
// t is process.hrtime.bigint() as a string: CLOCK_MONOTONIC, comparable across processes.
const path = require('node:path');
const { createRequire } = require('node:module');

const WebSocket = createRequire(path.join(__dirname, '../../tests/clients/package.json'))('ws');

let closing = false;
const report = (m) => process.connected && process.send(m);
let lost = 0;
let recovered = 0;
const sockets = new Set();

// Resolves true once the server said connection_established, false on failure.
function connect(url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 60000 });
    let established = false;
    ws.on('message', (data) => {
      if (established) return; // idle: presence and the like are read and dropped
      if (data.toString().includes('"connection_established"')) {
        established = true;
        sockets.add(ws);
        resolve(ws);
      }
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      sockets.delete(ws);
      if (!established) resolve(null);
      else if (!closing && ws.onLost) ws.onLost();
    });
  });
}

// Runs the jobs with at most `inflight` of them pending at once.
async function limited(items, inflight, job) {
  let next = 0;
  const run = async () => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all([...Array(Math.min(inflight, items.length)).keys()].map(run));
}

const reconnectQueue = [];
let reconnecting = 0;
let inflightLimit = 256;

function pumpReconnects() {
  while (reconnecting < inflightLimit && reconnectQueue.length > 0) {
    const c = reconnectQueue.shift();
    reconnecting++;
    connect(c.fallback).then((ws) => {
      reconnecting--;
      if (ws) {
        recovered++;
        if (recovered === lost)
          report({ ev: 'recovered', n: recovered, lost, t: process.hrtime.bigint().toString() });
      } else {
        setTimeout(() => { reconnectQueue.push(c); pumpReconnects(); }, 50); // refused or reset: again
      }
      pumpReconnects();
    });
  }
}

async function open(conns, inflight) {
  inflightLimit = inflight;
  let ok = 0;
  let failed = 0;
  await limited(conns, inflight, async (c) => {
    const ws = await connect(c.url);
    if (!ws) { failed++; return; }
    ok++;
    ws.onLost = () => {
      lost++;
      reconnectQueue.push(c);
      pumpReconnects();
    };
  });
  report({ ev: 'opened', ok, failed, t: process.hrtime.bigint().toString() });
}

process.on('message', (m) => {
  if (m.cmd === 'open') open(m.conns, m.inflight || 256);
  if (m.cmd === 'close') {
    closing = true;
    for (const ws of sockets) ws.terminate();
    report({ ev: 'closed' });
  }
});
process.on('disconnect', () => process.exit(0));
process.on('error', () => {}); // the parent went away first
