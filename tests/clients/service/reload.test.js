'use strict';
// SIGHUP reload (docs/operations.md "Reload"): the config file is read again,
// the rate limit and log level change live while a WebSocket client stays
// connected; a broken file is refused with one log line and the old values
// stay; options only a restart can change are named in a log line.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { api, register, JsonSocket, freePort, BINARY, JWT_SECRET } = require('../lib/server.js');

function writeConfig(file, port, dataDir, extra) {
  fs.writeFileSync(file, [
    `listen = 127.0.0.1:${port}`,
    `data-dir = ${dataDir}`,
    `jwt-secret = ${JWT_SECRET}`,
    'fast-password-hashing = true',
    ...extra,
  ].join('\n') + '\n');
}

// The server with only --config: the file decides the log level here.
async function startWithConfig(file, port, extraArgs = []) {
  const proc = spawn(BINARY, ['--config', file, ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderrText = '';
  proc.stderr.on('data', (d) => { proc.stderrText += d.toString(); });
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${proc.stderrText}`);
    try { if ((await fetch(`${base}/readyz`)).status === 200) break; } catch (_) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, exited, port, base, wsBase: `ws://127.0.0.1:${port}` };
}

// Resolves once stderr has a line matching re that was not there before `from`.
function logLine(proc, re, from) {
  return new Promise((resolve) => {
    const check = () => {
      const m = proc.stderrText.slice(from).match(re);
      if (m) { proc.stderr.off('data', check); resolve(m[0]); }
    };
    proc.stderr.on('data', check);
    check();
  });
}

test('SIGHUP applies a new rate limit and log level; the client stays connected', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-reload-'));
  const file = path.join(dir, 'switchboard.conf');
  const port = await freePort();
  writeConfig(file, port, path.join(dir, 'data'), ['log-level = warning', 'rate-messages-per-minute = 1000']);
  const server = await startWithConfig(file, port);
  try {
    const alice = await register(server);
    const channel = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general');
    const s = await JsonSocket.open(`${server.wsBase}/ws?token=${alice.token}`);
    await s.next('connection_established');
    const sendAndAnswer = async (content) => {
      s.send({ type: 'send_message', channel_id: channel.id, content });
      const m = await s.next((x) => x.type === 'message_sent' || x.type === 'error');
      return m.type === 'error' ? m.error_code : m.type;
    };

    // Old values: 1000 a minute (two in a row pass), warning level (no info lines).
    assert.equal(await sendAndAnswer('one'), 'message_sent');
    assert.equal(await sendAndAnswer('two'), 'message_sent');
    assert.doesNotMatch(server.proc.stderrText, / info /);

    // Down to one a minute (a token bucket never holds more than its limit,
    // so exactly one more passes), and info level.
    writeConfig(file, port, path.join(dir, 'data'), ['log-level = info', 'rate-messages-per-minute = 1']);
    let mark = server.proc.stderrText.length;
    server.proc.kill('SIGHUP');
    // An info line: visible only because the new level is in force.
    const reloaded = await logLine(server.proc, /.* info switchboard\.reload: configuration reloaded.*/, mark);
    assert.match(reloaded, /messages per minute 1$/);
    // The same socket, the new limit.
    assert.equal(await sendAndAnswer('three'), 'message_sent');
    assert.equal(await sendAndAnswer('four'), 'rate_limited');

    // A broken file: refused with one line, the old configuration stays (the
    // limit is still 1, not the default 60).
    fs.writeFileSync(file, `listen = 127.0.0.1:${port}\nrate-messages-per-minute = banana\n`);
    mark = server.proc.stderrText.length;
    server.proc.kill('SIGHUP');
    const refused = await logLine(server.proc, /.*reload refused.*\n/, mark);
    assert.match(refused, / error switchboard\.reload: reload refused, keeping the running configuration: bad value for --rate-messages-per-minute: 'banana'/);
    assert.equal(await sendAndAnswer('five'), 'rate_limited');
    const after = server.proc.stderrText.slice(mark);
    assert.equal(after.split('\n').filter((l) => l.includes('switchboard.reload')).length, 1, after);
    assert.doesNotMatch(after, /configuration reloaded/);

    // An unreadable file is refused the same way.
    fs.rmSync(file);
    mark = server.proc.stderrText.length;
    server.proc.kill('SIGHUP');
    assert.match(await logLine(server.proc, /.*reload refused.*/, mark), /cannot read config file/);
    assert.equal(await sendAndAnswer('six'), 'rate_limited');

    // A restart-only option: named in a log line, the old listener keeps serving.
    const otherPort = await freePort();
    writeConfig(file, otherPort, path.join(dir, 'data'), ['log-level = info', 'rate-messages-per-minute = 1']);
    mark = server.proc.stderrText.length;
    server.proc.kill('SIGHUP');
    assert.match(await logLine(server.proc, /.*need a restart.*/, mark), /: listen$/);
    await logLine(server.proc, /configuration reloaded/, mark);
    assert.equal((await fetch(`${server.base}/readyz`)).status, 200);

    await s.settle();
    assert.equal(s.ws.readyState, 1, 'the client stayed connected through every reload');
    await s.close();
  } finally {
    server.proc.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  }
});

test('on reload the original command line still wins over the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-reload-'));
  const file = path.join(dir, 'switchboard.conf');
  const port = await freePort();
  writeConfig(file, port, path.join(dir, 'data'), ['rate-messages-per-minute = 1']);
  const server = await startWithConfig(file, port, ['--rate-messages-per-minute', '1000', '--log-level', 'warning']);
  try {
    const alice = await register(server);
    const channel = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general');
    const s = await JsonSocket.open(`${server.wsBase}/ws?token=${alice.token}`);
    await s.next('connection_established');
    // The file asks for one a minute, info level and a new port; the command line says 1000 and warning.
    const otherPort = await freePort();
    writeConfig(file, otherPort, path.join(dir, 'data'), ['log-level = info', 'rate-messages-per-minute = 1']);
    const mark = server.proc.stderrText.length;
    server.proc.kill('SIGHUP');
    // The restart warning shows the reload ran.
    await logLine(server.proc, /.*need a restart.*/, mark);
    // A limit of 1 would refuse the second of these (a bucket never holds more than its limit).
    for (const c of ['one', 'two', 'three']) {
      s.send({ type: 'send_message', channel_id: channel.id, content: c });
      assert.equal((await s.next((m) => m.type === 'message_sent' || m.type === 'error')).type, 'message_sent');
    }
    await s.settle();
    assert.doesNotMatch(server.proc.stderrText, / info /);
    await s.close();
  } finally {
    server.proc.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  }
});

test('SIGHUP applies new allowed origins to REST and Engine.IO at once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-reload-'));
  const file = path.join(dir, 'switchboard.conf');
  const port = await freePort();
  const A = 'http://127.0.0.1:5173';
  const B = 'http://127.0.0.1:5174';
  writeConfig(file, port, path.join(dir, 'data'), ['log-level = info', `allowed-origins = ${A}`]);
  const server = await startWithConfig(file, port);
  const preflight = (origin) => fetch(`${server.base}/api/v1/messages`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
  });
  // An Engine.IO polling handshake carrying the token cookie from `origin`.
  const cookiePoll = async (origin, token) => (await fetch(`${server.base}/socket.io/?EIO=4&transport=polling`, {
    headers: { Origin: origin, Cookie: `token=${token}` },
  })).status;
  try {
    const alice = await register(server);
    assert.equal((await preflight(A)).status, 204);
    assert.equal((await preflight(B)).status, 403);
    assert.equal(await cookiePoll(B, alice.token), 403);
    assert.equal(await cookiePoll(A, alice.token), 200);

    writeConfig(file, port, path.join(dir, 'data'), ['log-level = info', `allowed-origins = ${B}`]);
    const mark = server.proc.stderrText.length;
    server.proc.kill('SIGHUP');
    await logLine(server.proc, /configuration reloaded.*/, mark);
    assert.doesNotMatch(server.proc.stderrText.slice(mark), /need a restart/);

    const now = await preflight(B);
    assert.equal(now.status, 204);
    assert.equal(now.headers.get('access-control-allow-origin'), B);
    assert.equal((await preflight(A)).status, 403);
    assert.equal(await cookiePoll(B, alice.token), 200);
    assert.equal(await cookiePoll(A, alice.token), 403);
  } finally {
    server.proc.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  }
});
