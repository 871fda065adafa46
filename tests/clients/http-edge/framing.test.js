'use strict';
// HTTP/1.1 request hardening against the real server on raw sockets: cases in
// the spirit of llhttp's request tests, each with the status nginx would give.
// A framing error is answered once and the connection closed, so nothing
// behind it (a smuggled request) is ever answered. docs/conformance.md.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server.js');
const { RawHttp, exchange } = require('./rawhttp.js');

let server;
test.before(async () => { server = await startServer(); });
test.after(async () => { await server.stop(); });

const smuggled = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
const login = (headers, body = '') => `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n${headers}\r\n${body}`;

const rejected = [
  ['Content-Length with Transfer-Encoding', login('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n') + smuggled, 400],
  ['Transfer-Encoding with Content-Length', login('Transfer-Encoding: chunked\r\nContent-Length: 5\r\n', '0\r\n\r\n') + smuggled, 400],
  ['duplicate equal Content-Length', login('Content-Length: 2\r\nContent-Length: 2\r\n', '{}') + smuggled, 400],
  ['duplicate different Content-Length', login('Content-Length: 2\r\nContent-Length: 40\r\n', '{}') + smuggled, 400],
  ['Content-Length list', login('Content-Length: 2, 2\r\n', '{}') + smuggled, 400],
  ['overflowing Content-Length', login('Content-Length: 18446744073709551617\r\n', '{}') + smuggled, 400],
  ['negative Content-Length', login('Content-Length: -1\r\n', '{}') + smuggled, 400],
  ['chunked not last', login('Transfer-Encoding: chunked, identity\r\n', '0\r\n\r\n') + smuggled, 400],
  ['chunked not last, two headers', login('Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n', '0\r\n\r\n') + smuggled, 400],
  ['unsupported coding before chunked', login('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n') + smuggled, 501],
  ['HTTP/1.0 with Transfer-Encoding', 'POST /api/v1/auth/login HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + smuggled, 400],
  ['bad chunk size', login('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n') + smuggled, 400],
  ['chunk size with 0x', login('Transfer-Encoding: chunked\r\n', '0x2\r\n{}\r\n0\r\n\r\n') + smuggled, 400],
  ['overflowing chunk size', login('Transfer-Encoding: chunked\r\n', 'ffffffffffffffffff\r\n{}\r\n0\r\n\r\n') + smuggled, 400],
  ['chunk longer than its size', login('Transfer-Encoding: chunked\r\n', '1\r\n{}\r\n0\r\n\r\n') + smuggled, 400],
  ['obs-fold', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n' + smuggled, 400],
  ['bare CR', 'GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n' + smuggled, 400],
  ['NUL in a header value', 'GET /healthz HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n' + smuggled, 400],
  ['escape in a header value', 'GET /healthz HTTP/1.1\r\nX-A: \u001b[31mred\r\n\r\n' + smuggled, 400],
  ['space before the colon', 'GET /healthz HTTP/1.1\r\nContent-Length : 0\r\n\r\n' + smuggled, 400],
  ['invalid method token', 'G@T /healthz HTTP/1.1\r\n\r\n' + smuggled, 400],
  ['lower-case method', 'get /healthz HTTP/1.1\r\n\r\n' + smuggled, 400],
  ['invalid version token', 'GET /healthz HTTP/1.x\r\n\r\n' + smuggled, 400],
  ['HTTP/2.0 version', 'GET /healthz HTTP/2.0\r\n\r\n' + smuggled, 505],
  ['request line over 8 KiB', `GET /${'a'.repeat(8 * 1024)} HTTP/1.1\r\n\r\n`, 414],
  ['head over 16 KiB', `GET /healthz HTTP/1.1\r\n${'X-Fill: '.concat('f'.repeat(1000), '\r\n').repeat(17)}\r\n`, 431],
  ['more than 100 header fields', `GET /healthz HTTP/1.1\r\n${Array.from({ length: 101 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`, 431],
];

for (const [name, bytes, status] of rejected) {
  test(`${name}: ${status}, closed, nothing behind it answered`, async () => {
    const r = await exchange(server.port, Buffer.from(bytes, 'latin1'));
    assert.equal(r.responses.length, 1, `responses: ${r.responses.map((x) => x.statusLine).join(' / ')}`);
    assert.equal(r.responses[0].status, status);
    assert.equal(r.responses[0].headers.connection, 'close');
    assert.equal(typeof r.responses[0].json.error.code, 'string'); // the JSON error body of every route
    assert.ok(r.closed);
  });
}

test('bare LF line endings are accepted (as nginx does)', async () => {
  const r = await exchange(server.port, 'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n');
  assert.equal(r.responses.length, 1);
  assert.equal(r.responses[0].status, 200);
  assert.deepEqual(r.responses[0].json, { status: 'ok' });
});

test('pipelined requests are answered in order on one connection', async () => {
  const r = await exchange(server.port,
    'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n'
    + 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.deepEqual(r.responses.map((x) => x.status), [200, 404, 200, 200]);
  assert.deepEqual(r.responses[0].json, { status: 'ok' });
  assert.equal(r.responses[1].json.error.code, 'not_found');
  assert.ok(r.closed);
});

test('a body on GET is read and ignored; the next request is intact', async () => {
  const r = await exchange(server.port,
    'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\nGET /nope HTTP/1.1\r\n'
    + 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.deepEqual(r.responses.map((x) => x.status), [200, 200]);
});

test('a chunked body reaches the route, split at odd places, and a pipelined request follows', async () => {
  const body = JSON.stringify({ username: `chunky${process.pid}`, password: 'password123' });
  const chunked = `${(10).toString(16)}\r\n${body.slice(0, 10)}\r\n${(body.length - 10).toString(16)};ext=1\r\n${body.slice(10)}\r\n0\r\nX-Trailer: t\r\n\r\n`;
  const bytes = Buffer.from('POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
    + `Transfer-Encoding: chunked\r\n\r\n${chunked}GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  const c = await RawHttp.connect(server.port);
  for (let i = 0; i < bytes.length; i += 5) { c.write(bytes.subarray(i, i + 5)); await new Promise((r) => setImmediate(r)); }
  await c.closedByServer();
  const rs = c.responses;
  assert.deepEqual(rs.map((x) => x.status), [201, 200]);
  assert.equal(rs[0].json.user.username, `chunky${process.pid}`);
});

test('a plain GET of a WebSocket-only path is 426 with Upgrade: websocket', async () => {
  const r = await exchange(server.port, 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(r.responses[0].status, 426);
  assert.equal(r.responses[0].headers.upgrade, 'websocket');
  assert.equal(r.responses[0].json.error.code, 'upgrade_required');
});

test('the server is still healthy and counted the bad requests', async () => {
  const m = await (await fetch(`${server.base}/metrics`)).text();
  const bad = Number(/switchboard_http_rejections_total\{reason="bad_request"\} (\d+)/.exec(m)[1]);
  assert.ok(bad >= rejected.length, m.split('\n').filter((l) => l.includes('rejections')).join('\n'));
});
