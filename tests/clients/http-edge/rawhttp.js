'use strict';
// HTTP/1.1 on a raw TCP socket: send exact bytes, read back every response
// and whether the server closed the connection.
const net = require('node:net');

function parseResponses(buf) {
  const out = [];
  let rest = buf;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers = {};
    for (const l of head.slice(1)) {
      const c = l.indexOf(':');
      headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
    }
    const len = Number(headers['content-length'] || 0);
    if (rest.length < end + 4 + len) break;
    const body = rest.subarray(end + 4, end + 4 + len).toString();
    let json = null;
    try { json = JSON.parse(body); } catch (_) { /* not JSON */ }
    out.push({ status: Number(head[0].split(' ')[1]), statusLine: head[0], headers, body, json });
    rest = rest.subarray(end + 4 + len);
  }
  return out;
}

class RawHttp {
  // localAddress: another loopback address (127.0.0.2) to act as a second client host.
  constructor(port, localAddress) {
    this.buf = Buffer.alloc(0);
    this.closed = false;
    this.waiters = [];
    this.socket = net.connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) });
    this.socket.setNoDelay(true);
    this.socket.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    this.socket.on('error', (e) => { this.error = e; });
    this.socket.on('close', () => { this.closed = true; this.wake(); });
    this.connected = new Promise((resolve, reject) => { this.socket.once('connect', resolve); this.socket.once('error', reject); });
  }
  static async connect(port, localAddress) { const c = new RawHttp(port, localAddress); await c.connected; return c; }
  get responses() { return parseResponses(this.buf); }
  wake() { for (const w of [...this.waiters]) if (w.pred()) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(); } }
  until(pred) {
    if (pred()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
  write(bytes) { this.socket.write(bytes); }
  // Resolves once n responses are in (or the server closed first).
  async response(n = 1) { await this.until(() => this.responses.length >= n || this.closed); return this.responses; }
  async closedByServer() { await this.until(() => this.closed); return true; }
  destroy() { this.socket.destroy(); }
}

// Sends bytes on a fresh connection; resolves with the responses once the
// server has closed it, or once `count` responses are in when keepOpen.
async function exchange(port, bytes, { count = 1, keepOpen = false } = {}) {
  const c = await RawHttp.connect(port);
  c.write(bytes);
  if (keepOpen) await c.response(count); else await c.closedByServer();
  const r = { responses: c.responses, closed: c.closed };
  c.destroy();
  return r;
}

module.exports = { RawHttp, exchange, parseResponses };
