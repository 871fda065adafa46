'use strict';
// --redis turns clustering on and needs the shared PostgreSQL database: on
// SQLite (the default) or with a malformed URL the server refuses to start
// with one clear line and exit code 2, like any other bad configuration.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BINARY } = require('../lib/server.js');

function run(args) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  const r = spawnSync(BINARY, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 30000 });
  fs.rmSync(dataDir, { recursive: true, force: true });
  return r;
}

test('--redis with the default SQLite database is refused', () => {
  const r = run(['--redis', 'redis://127.0.0.1:6379']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--redis needs a shared postgres:\/\/ --database/);
});

test('--redis with an explicit sqlite: database is refused', () => {
  const r = run(['--redis', 'redis://127.0.0.1:6379', '--database', 'sqlite:']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--redis needs a shared postgres:\/\/ --database/);
});

test('a malformed --redis URL is refused', () => {
  const r = run(['--redis', 'http://127.0.0.1:6379', '--database', 'postgres://u@127.0.0.1:1/db']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad --redis URL/);
});
