'use strict';
// Logs under systemd: when $JOURNAL_STREAM names the server's stderr, each line
// starts with its sd-daemon priority ("<4>" warning, "<6>" info) and has no
// timestamp; with any other stderr the usual timestamped format stays.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { freePort, BINARY, JWT_SECRET } = require('../lib/server.js');

// Runs the server with stderr into a file, until /readyz, then SIGTERM; returns the log.
async function runWithStderrFile(journal) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-journal-'));
  const logPath = path.join(dir, 'stderr.log');
  const fd = fs.openSync(logPath, 'w');
  const st = fs.fstatSync(fd, { bigint: true });
  const env = { ...process.env };
  delete env.JOURNAL_STREAM;
  if (journal === 'match') env.JOURNAL_STREAM = `${st.dev}:${st.ino}`;
  if (journal === 'other') env.JOURNAL_STREAM = `${st.dev}:${st.ino + 1n}`;
  const port = await freePort();
  const proc = spawn(BINARY, ['--listen', `127.0.0.1:${port}`, '--data-dir', path.join(dir, 'data'),
    '--jwt-secret', JWT_SECRET, '--log-level', 'info', '--rate-messages-per-minute', '7'],
  { env, stdio: ['ignore', 'ignore', fd] });
  fs.closeSync(fd);
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  for (;;) {
    try { if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break; } catch (_) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGTERM');
  assert.equal(await exited, 0);
  return fs.readFileSync(logPath, 'utf8');
}

test('stderr is the journal: sd-daemon priority prefixes, no timestamps', async () => {
  const log = await runWithStderrFile('match');
  const lines = log.trim().split('\n');
  assert.ok(lines.length >= 2, log);
  for (const l of lines) assert.match(l, /^<[0-7]>switchboard\.[a-z]+: /, l);
  assert.match(log, /^<6>switchboard\.server: listening on 127\.0\.0\.1:\d+/m);
});

test('a JOURNAL_STREAM naming another stream keeps the plain format', async () => {
  for (const mode of ['other', 'none']) {
    const log = await runWithStderrFile(mode);
    assert.match(log, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} info switchboard\.server: listening on /m);
    assert.doesNotMatch(log, /^<\d>/m);
  }
});
