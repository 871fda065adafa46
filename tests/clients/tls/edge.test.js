'use strict';
// The TLS listener itself: REST, /healthz, /readyz and /metrics over HTTPS next
// to the plain listener, TLS 1.2+ with ALPN http/1.1, and what happens to
// clients that do not speak TLS properly.
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const tls = require('node:tls');
const { spawnSync } = require('node:child_process');
const { api, register, BINARY } = require('../lib/server.js');
const { makeCert, startTlsServer, httpsApi, registerTls } = require('./tlsServer.js');

let server;
test.before(async () => { server = await startTlsServer(); });
test.after(async () => { await server.stop(); });

test('REST, /healthz, /readyz and /metrics answer over HTTPS while the plain listener keeps working', async () => {
  const a = await registerTls(server);
  const me = await httpsApi(server, 'GET', '/api/v1/users/me', a.token);
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.id ?? me.body.user?.id, a.user.id);
  assert.equal(me.alpn, 'http/1.1', 'ALPN picks http/1.1');
  assert.match(me.protocol, /^TLSv1\.[23]$/);
  const posted = await httpsApi(server, 'POST', '/api/v1/channels', a.token, { name: `tls${Date.now()}`, type: 'public' });
  assert.equal(posted.status, 201, posted.text);
  assert.equal((await httpsApi(server, 'GET', '/healthz')).status, 200);
  assert.equal((await httpsApi(server, 'GET', '/readyz')).status, 200);
  const metrics = await httpsApi(server, 'GET', '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /^# (HELP|TYPE) /m);
  // The same user and channel are seen through the plain listener: one server.
  const b = await register(server);
  const list = await api(server, 'GET', '/api/v1/channels', b.token);
  assert.ok(list.body.channels.some((c) => c.id === posted.body.id));
});

test('TLS 1.1 is refused', async () => {
  const err = await new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port: server.tlsPort, ca: server.ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
      () => { s.destroy(); resolve(null); });
    s.on('error', resolve);
  });
  assert.ok(err, 'a TLS 1.1 handshake must fail');
  assert.equal((await httpsApi(server, 'GET', '/healthz')).status, 200, 'the server is still up');
});

test('plain HTTP on the TLS port gets the connection closed; the server goes on', async () => {
  const got = await new Promise((resolve, reject) => {
    const s = net.connect(server.tlsPort, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    const chunks = [];
    s.on('data', (c) => chunks.push(c));
    s.on('error', () => {}); // a reset is a close too
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('timeout', reject);
  });
  assert.ok(!got.toString('latin1').includes('HTTP/1.1 200'), 'no HTTP answer in the clear');
  assert.equal((await httpsApi(server, 'GET', '/healthz')).status, 200);
  assert.equal((await api(server, 'GET', '/healthz')).status, 200);
});

test('a handshake that stalls is cut by the server', async () => {
  // Half a ClientHello record header, then nothing: only the server's timeout can end this.
  const closed = await new Promise((resolve) => {
    const s = net.connect(server.tlsPort, '127.0.0.1', () => s.write(Buffer.from([0x16, 0x03, 0x01])));
    s.on('error', () => {});
    s.on('close', () => resolve(true));
  });
  assert.equal(closed, true);
  assert.equal((await httpsApi(server, 'GET', '/healthz')).status, 200);
});

test('bad certificate or key files: one line on stderr, exit code 2', () => {
  const good = makeCert();
  const other = makeCert();
  const cases = [
    [['--tls-cert', '/nonexistent/cert.pem', '--tls-key', good.key], /--tls-cert \/nonexistent\/cert\.pem/],
    [['--tls-cert', good.cert, '--tls-key', '/nonexistent/key.pem'], /--tls-key \/nonexistent\/key\.pem/],
    [['--tls-cert', good.key, '--tls-key', good.key], /holds no PEM certificate/],
    [['--tls-cert', good.cert, '--tls-key', other.key], /does not belong/],
    [[], /--tls-listen needs --tls-cert and --tls-key/],
  ];
  for (const [flags, pattern] of cases) {
    const r = spawnSync(BINARY, ['--listen', '127.0.0.1:0', '--tls-listen', '127.0.0.1:0', '--data-dir', good.dir,
      '--jwt-secret', 'x'.repeat(32), ...flags], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^switchboard-server: /);
    assert.match(lines[0], pattern);
  }
});

test('the TLS options work from the environment and from the config file too', async () => {
  const certs = makeCert();
  const { startServer, freePort } = require('../lib/server.js');
  const tlsPort = await freePort();
  const s = await startServer({ env: { SWITCHBOARD_TLS_LISTEN: `127.0.0.1:${tlsPort}`, SWITCHBOARD_TLS_CERT: certs.cert, SWITCHBOARD_TLS_KEY: certs.key } });
  try {
    const r = await httpsApi({ ca: certs.pem, tlsBase: `https://127.0.0.1:${tlsPort}` }, 'GET', '/healthz');
    assert.equal(r.status, 200);
  } finally { await s.stop(); }
  const fs = require('node:fs');
  const path = require('node:path');
  const filePort = await freePort();
  const config = path.join(certs.dir, 'switchboard.conf');
  fs.writeFileSync(config, `tls-listen = 127.0.0.1:${filePort}\ntls-cert = ${certs.cert}\ntls-key = ${certs.key}\n`);
  const f = await startServer({ args: ['--config', config] });
  try {
    const r = await httpsApi({ ca: certs.pem, tlsBase: `https://127.0.0.1:${filePort}` }, 'GET', '/healthz');
    assert.equal(r.status, 200);
  } finally { await f.stop(); }
});
