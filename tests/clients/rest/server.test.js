'use strict';
// The switchboard-server command line (docs/server.md): configuration sources,
// exit code 2 with one clear line on bad configuration, graceful SIGTERM.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { startServer, api, register, JsonSocket, BINARY, freePort, clusterSkip } = require('../lib/server.js');

function run(args, env = {}) {
  const r = spawnSync(BINARY, args, { env: { ...process.env, ...env }, timeout: 10000, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr.trim() };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cfg-'));

test('bad configuration exits 2 with one line on stderr', async () => {
  const cases = [
    ['--no-such-option'],
    ['--listen', 'nonsense'],
    ['--listen', '127.0.0.1:99999'],
    ['--database', 'mysql://x'],
    ['--database', 'postgres://nobody@127.0.0.1:1/none', '--data-dir', tmp()],
    ['--config', '/nonexistent/switchboard.conf'],
    ['--log-level', 'chatty'],
    ['--max-frame-bytes', 'lots'],
    ['--jwt-secret-file', '/nonexistent/secret'],
  ];
  for (const args of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.split('\n').length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
    assert.match(r.stderr, /^switchboard-server: /);
  }
});

test('a port in use exits 2 and leaves nothing half-started', async () => {
  const blocker = net.createServer();
  const port = await freePort();
  await new Promise((r) => blocker.listen(port, '127.0.0.1', r));
  const dir = tmp();
  const r = run(['--listen', `127.0.0.1:${port}`, '--data-dir', dir]);
  blocker.close();
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^switchboard-server: cannot listen/);
  assert.equal(r.stderr.split('\n').length, 1, r.stderr);
});

test('options come from the config file and the environment; the command line wins', { skip: clusterSkip('one process started from its own config file, data dir and port') }, async () => {
  const dir = tmp();
  const port = await freePort();
  const conf = path.join(dir, 'switchboard.conf');
  fs.writeFileSync(conf, `listen = 127.0.0.1:1\nmax-frame-bytes = 2048\n`);
  const bogus = path.join(dir, 'bogus.conf');
  fs.writeFileSync(bogus, 'flavour = vanilla\n');
  assert.equal(run(['--config', bogus]).code, 2, 'unknown key in the config file');
  const s = await startServer({ port, dataDir: dir, args: ['--config', conf], env: { SWITCHBOARD_MAX_FRAME_BYTES: '1024' } });
  // --listen from the harness beat the file's; frame limit: env (1024) beat the file (2048).
  const u = await register(s);
  const ws = await JsonSocket.open(`${s.wsBase}/ws?token=${u.token}`);
  await ws.next('connection_established');
  ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(1500) }));
  assert.equal((await ws.next('error')).error_code, 'message_too_large');
  await ws.close();
  await s.stop();
});

test('SIGTERM closes sockets with 1001, finishes writes and exits 0; the JWT secret is kept across restarts', async () => {
  const s = await startServer({ args: [] });
  const u = await register(s);
  const ws = await JsonSocket.open(`${s.wsBase}/ws?token=${u.token}`);
  await ws.next('connection_established');
  s.proc.kill('SIGTERM');
  const closed = await ws.closed;
  assert.equal(closed.code, 1001);
  const exit = await s.exited;
  assert.equal(exit.code, 0);
});

test('without --jwt-secret a secret is generated once and kept, so tokens survive a restart', { skip: clusterSkip('the secret is generated in one node\'s data dir; cluster nodes share one --jwt-secret') }, async () => {
  const first = await startServer({ jwtSecret: null });
  const u = await register(first);
  await first.stop();
  assert.ok(fs.existsSync(path.join(first.dataDir, 'jwt-secret')));
  assert.ok(fs.existsSync(path.join(first.dataDir, 'switchboard.db')));
  const second = await startServer({ jwtSecret: null, dataDir: first.dataDir });
  assert.equal((await api(second, 'GET', '/api/v1/users/me', u.token)).status, 200);
  await second.stop();
});
