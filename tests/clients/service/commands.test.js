'use strict';
// The maintenance subcommands (docs/operations.md): check-config, migrate and
// backup (consistent while a server serves and writes the same database), and
// a database left by the previous release's schema migrated and served.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile, execFileSync } = require('node:child_process');
const { promisify } = require('node:util');
const { startServer, api, register, JsonSocket, signToken, BINARY, JWT_SECRET, ROOT } = require('../lib/server.js');

const run = async (...args) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(BINARY, args);
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cmd-'));
const sqlite = (db, sql) => execFileSync('sqlite3', [db, sql]).toString().trim();

test('check-config: "configuration OK" and exit 0; the error and exit 2; nothing created', async () => {
  const dir = tmp();
  const conf = path.join(dir, 'good.conf');
  fs.writeFileSync(conf, `listen = 127.0.0.1:8123\ndata-dir = ${dir}/data\nrate-messages-per-minute = 5\n`);
  const good = await run('check-config', '--config', conf);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stdout, 'configuration OK\n');
  assert.equal(fs.existsSync(path.join(dir, 'data')), false, 'check-config changes nothing');

  const bad = path.join(dir, 'bad.conf');
  fs.writeFileSync(bad, 'log-level = loud\n');
  const r = await run('check-config', '--config', bad);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "switchboard-server: bad --log-level 'loud' (expected debug, info, warning or error)\n");

  const unknown = path.join(dir, 'unknown.conf');
  fs.writeFileSync(unknown, 'no-such-option = 1\n');
  assert.match((await run('check-config', '--config', unknown)).stderr, /unknown option 'no-such-option'/);
  // The command line is checked too, and wins over the file.
  assert.equal((await run('check-config', '--config', conf, '--listen', 'nowhere')).code, 2);
  assert.equal((await run('check-config', '--config', path.join(dir, 'missing.conf'))).code, 2);
});

test('migrate: creates the schema, reports from/to, then has nothing to do', async () => {
  const dir = tmp();
  const first = await run('migrate', '--data-dir', dir);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, 'schema migrated from version 0 to 9\n');
  const again = await run('migrate', '--data-dir', dir);
  assert.equal(again.stdout, 'schema at version 9, nothing to do\n');
  assert.equal(sqlite(path.join(dir, 'switchboard.db'), 'SELECT MAX(version) FROM schema_migrations'), '9');
  // A database newer than this server is refused, not touched.
  sqlite(path.join(dir, 'switchboard.db'), 'INSERT INTO schema_migrations VALUES (99, 0)');
  const newer = await run('migrate', '--data-dir', dir);
  assert.equal(newer.code, 1);
  assert.match(newer.stderr, /database schema version 99 is newer than this server \(9\)/);
});

test('backup while serving and writing: consistent, with every message acknowledged before it', async () => {
  const server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  try {
    const alice = await register(server);
    const channel = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general');
    const s = await JsonSocket.open(`${server.wsBase}/ws?token=${alice.token}`);
    await s.next('connection_established');
    const acked = [];
    for (let i = 0; i < 200; i++) {
      s.send({ type: 'send_message', channel_id: channel.id, content: `before ${i}` });
      acked.push((await s.next('message_sent')).data.id);
    }
    // Writers keep going during the backup: a REST poster and a WebSocket stream.
    let writing = true;
    let during = 0;
    const poster = (async () => {
      while (writing) {
        const r = await api(server, 'POST', '/api/v1/messages', alice.token, { channel_id: channel.id, content: `during ${during}` });
        assert.equal(r.status, 201, r.text);
        during++;
      }
    })();
    for (let i = 0; i < 50; i++) s.send({ type: 'send_message', channel_id: channel.id, content: `stream ${i}` });

    const dest = path.join(tmp(), 'backup.db');
    const b = await run('backup', dest, '--data-dir', server.dataDir);
    writing = false;
    await poster;
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /^backup of .*switchboard\.db written to .*backup\.db\n$/);
    assert.ok(during > 0, 'messages were posted while the backup ran');

    assert.equal(sqlite(dest, 'PRAGMA integrity_check'), 'ok');
    const ids = new Set(sqlite(dest, 'SELECT id FROM messages').split('\n'));
    for (const id of acked) assert.ok(ids.has(id), `acknowledged message ${id} is in the backup`);
    // A backup never overwrites: a second one to the same file is refused.
    const again = await run('backup', dest, '--data-dir', server.dataDir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);

    // The copy serves: a server on it lists the acknowledged messages.
    const restored = tmp();
    fs.copyFileSync(dest, path.join(restored, 'switchboard.db'));
    const second = await startServer({ dataDir: restored });
    try {
      const page = await api(second, 'GET', `/api/v1/channels/${channel.id}/messages?limit=200&before=${acked[199]}`, alice.token);
      assert.equal(page.status, 200, page.text);
      const ackedIds = new Set(acked);
      assert.deepEqual(page.body.messages.map((m) => m.id).filter((id) => ackedIds.has(id)), acked.slice(0, 199));
    } finally { await second.stop(); }
    await s.close();
  } finally { await server.stop(); }
});

test('backup of a PostgreSQL database names the pg_dump command and fails', async () => {
  const r = await run('backup', '/tmp/x.dump', '--database', 'postgres://chat:pw@db.example:5433/chat');
  assert.equal(r.code, 3);
  assert.match(r.stderr, /pg_dump --format=custom --host=db\.example --port=5433 --username=chat --file=\/tmp\/x\.dump chat/);
  assert.equal((await run('backup')).code, 2);
});

test('a database from the previous schema (version 2) is migrated and served', async () => {
  const fixture = fs.readFileSync(path.join(ROOT, 'tests/storage/fixtures/schema-v2.sql'), 'utf8');
  const loadOld = () => {
    const dir = tmp();
    execFileSync('sqlite3', [path.join(dir, 'switchboard.db')], { input: fixture });
    return dir;
  };
  // migrate reports the step from the previous release.
  const m = await run('migrate', '--data-dir', loadOld());
  assert.equal(m.stdout, 'schema migrated from version 2 to 9\n', m.stderr);

  // The server migrates at start by itself and serves the old rows.
  const dataDir = loadOld();
  const server = await startServer({ dataDir });
  try {
    const now = Math.floor(Date.now() / 1000);
    const token = signToken({ sub: '5f0c6d1e-0000-4000-8000-000000000001', name: 'oldtimer', iat: now, exp: now + 600 }, { secret: JWT_SECRET });
    const channels = await api(server, 'GET', '/api/v1/channels', token);
    assert.equal(channels.status, 200, channels.text);
    const general = channels.body.channels.find((c) => c.name === 'general');
    assert.equal(general.id, '5f0c6d1e-0000-4000-8000-0000000000c1');
    const msgs = await api(server, 'GET', `/api/v1/channels/${general.id}/messages`, token);
    assert.deepEqual(msgs.body.messages.map((x) => x.content), ['written before the upgrade', 'a second old message']);
    assert.equal(msgs.body.messages[0].reply_count, 1);
    const thread = await api(server, 'GET', '/api/v1/messages/5f0c6d1e-0000-4000-8000-0000000000e1/thread', token);
    assert.equal(thread.status, 200, thread.text);
    assert.ok(JSON.stringify(thread.body).includes('an old thread reply'));
    // New writes land next to the old rows.
    const posted = await api(server, 'POST', '/api/v1/messages', token, { channel_id: general.id, content: 'after the upgrade' });
    assert.equal(posted.status, 201, posted.text);
    assert.equal(sqlite(path.join(dataDir, 'switchboard.db'), 'SELECT MAX(version) FROM schema_migrations'), '9');
  } finally { await server.stop(); }
});
