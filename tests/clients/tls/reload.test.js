'use strict';
// SIGHUP reloads the certificate: new connections see the new one, open ones
// stay; a broken new certificate is refused with a log line and the old one
// stays in use.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { JsonSocket, sleep } = require('../lib/server.js');
const { makeCert, startTlsServer, peerFingerprint, registerTls, httpsFetch } = require('./tlsServer.js');

let server;
test.before(async () => { server = await startTlsServer({ args: ['--log-level', 'info'] }); });
test.after(async () => { await server.stop(); });

// Waits for a line in the server's log (bounded); the log is the only outward
// sign that the signal was handled.
async function logLine(pattern, from) {
  for (let i = 0; i < 500; ++i) {
    if (pattern.test(server.proc.stderrText.slice(from))) return;
    await sleep(20);
  }
  throw new Error(`no log line ${pattern}: ${server.proc.stderrText.slice(from)}`);
}

test('SIGHUP: a new connection gets the new certificate, an open one stays open', async () => {
  const a = await registerTls(server);
  const first = server.certs;
  assert.equal(await peerFingerprint(server.tlsPort), first.fingerprint);
  const open = await JsonSocket.open(`${server.wssBase}/ws?token=${a.token}`, { ca: first.pem });
  await open.next('connection_established');

  const second = makeCert();
  fs.copyFileSync(second.cert, first.cert);
  fs.copyFileSync(second.key, first.key);
  const mark = server.proc.stderrText.length;
  server.proc.kill('SIGHUP');
  await logLine(/TLS certificate reloaded/, mark);

  assert.equal(await peerFingerprint(server.tlsPort), second.fingerprint);
  const r = await httpsFetch(second.pem, `${server.tlsBase}/healthz`);
  assert.equal(r.status, 200);
  // The connection made before the reload still works both ways.
  open.send({ type: 'ping' });
  await open.next('pong');
  server.ca = second.pem;
});

test('SIGHUP with a broken certificate: refused with a log line, the old certificate stays', async () => {
  const before = await peerFingerprint(server.tlsPort);
  const saved = fs.readFileSync(server.certs.cert);
  fs.writeFileSync(server.certs.cert, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
  const mark = server.proc.stderrText.length;
  server.proc.kill('SIGHUP');
  await logLine(/TLS certificate not reloaded, the old one stays: .*--tls-cert/, mark);
  assert.equal(await peerFingerprint(server.tlsPort), before);
  // A key that does not match the certificate is refused the same way.
  fs.writeFileSync(server.certs.cert, saved);
  fs.copyFileSync(makeCert().key, server.certs.key);
  const mark2 = server.proc.stderrText.length;
  server.proc.kill('SIGHUP');
  await logLine(/TLS certificate not reloaded.*does not belong/, mark2);
  assert.equal(await peerFingerprint(server.tlsPort), before);
  assert.equal(server.proc.exitCode, null, 'still running');
});
