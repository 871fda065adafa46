'use strict';
// WebSocket conformance (RFC 6455) of the flat JSON endpoint /ws, with the
// Autobahn|Testsuite case families played on raw sockets (lib/wscases.js).
// Prints one table row per case and fails on any FAILED; NON-STRICT results
// are the tolerated ones explained in docs/conformance.md.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register } = require('../lib/server.js');
const { all } = require('./lib/wscases.js');

// The largest message a WebSocket may carry before it is closed with 1009:
// WebSocketSession::Limits::hardFrameBytes, max(1 MiB, 4 x --max-frame-bytes).
const LIMIT = 1024 * 1024;

test('WebSocket conformance of /ws', { timeout: 540000 }, async () => {
  const server = await startServer({ args: ['--max-connections-per-user', '0'] });
  try {
    const { token } = await register(server);
    const ctx = { port: server.port, path: `/ws?token=${token}`, limit: LIMIT };
    const only = process.env.CONFORMANCE_CASES ? new RegExp(process.env.CONFORMANCE_CASES) : null;
    const rows = [];
    for (const c of all()) {
      if (only && !only.test(c.id)) continue;
      let observed;
      try { observed = await c.run(ctx); } catch (e) { observed = `error: ${e.message}`; }
      const verdict = observed === c.expect ? 'OK' : (c.nonStrict && observed === c.nonStrict ? 'NON-STRICT' : 'FAILED');
      rows.push({ id: c.id, desc: c.desc, expect: c.expect, observed, verdict });
    }
    const w = (k, n) => Math.min(n, Math.max(...rows.map((r) => String(r[k]).length), k.length));
    const cols = [['id', 7], ['desc', 70], ['expect', 34], ['observed', 34], ['verdict', 10]].map(([k, n]) => [k, w(k, n)]);
    const line = (r) => cols.map(([k, n]) => String(r[k]).slice(0, n).padEnd(n)).join(' | ');
    console.log(line({ id: 'case', desc: 'description', expect: 'expected', observed: 'observed', verdict: 'result' }));
    for (const r of rows) console.log(line(r));
    const count = (v) => rows.filter((r) => r.verdict === v).length;
    const families = {};
    for (const r of rows) {
      const f = r.id.split('.')[0];
      families[f] = families[f] || { OK: 0, 'NON-STRICT': 0, FAILED: 0 };
      families[f][r.verdict] += 1;
    }
    console.log(`\n${rows.length} cases: ${count('OK')} OK, ${count('NON-STRICT')} NON-STRICT, ${count('FAILED')} FAILED`);
    for (const [f, c] of Object.entries(families)) console.log(`family ${f}: ${c.OK} OK, ${c['NON-STRICT']} NON-STRICT, ${c.FAILED} FAILED`);
    assert.deepEqual(rows.filter((r) => r.verdict === 'FAILED').map((r) => `${r.id} ${r.desc}: expected ${r.expect}, observed ${r.observed}`), []);
    assert.ok(rows.length > 0);
  } finally {
    await server.stop();
  }
});
