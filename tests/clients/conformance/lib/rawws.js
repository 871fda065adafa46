'use strict';
// A WebSocket client on a raw TCP socket that can send anything, including
// what no library would: unmasked frames, reserved bits and opcodes, broken
// UTF-8, non-minimal lengths, frames split byte by byte. It records every
// frame the server sends and whether the server closed the TCP connection.
const net = require('node:net');
const crypto = require('node:crypto');

const OP = { CONT: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xA };

// One client frame. opts: fin (true), rsv (0..7), mask (true), len: 'min' |
// 16 | 64 (length encoding; 'min' is the shortest), lengthOverride (a raw
// 64-bit length to announce, for the top-bit case).
function frame(opcode, payload = Buffer.alloc(0), opts = {}) {
  const { fin = true, rsv = 0, mask = true, len = 'min' } = opts;
  payload = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const n = payload.length;
  const parts = [];
  const b0 = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F);
  const m = mask ? 0x80 : 0;
  let mode = len;
  if (mode === 'min') mode = n < 126 ? 7 : n <= 0xFFFF ? 16 : 64;
  if (opts.lengthOverride !== undefined) mode = 64;
  if (mode === 7) {
    parts.push(Buffer.from([b0, m | n]));
  } else if (mode === 16) {
    const h = Buffer.alloc(4);
    h[0] = b0; h[1] = m | 126; h.writeUInt16BE(n, 2);
    parts.push(h);
  } else {
    const h = Buffer.alloc(10);
    h[0] = b0; h[1] = m | 127;
    h.writeBigUInt64BE(opts.lengthOverride !== undefined ? opts.lengthOverride : BigInt(n), 2);
    parts.push(h);
  }
  if (mask) {
    const key = crypto.randomBytes(4);
    const masked = Buffer.alloc(n);
    for (let i = 0; i < n; ++i) masked[i] = payload[i] ^ key[i & 3];
    parts.push(key, masked);
  } else {
    parts.push(payload);
  }
  return Buffer.concat(parts);
}

function closePayload(code, reason = Buffer.alloc(0)) {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code, 0);
  return Buffer.concat([b, Buffer.isBuffer(reason) ? reason : Buffer.from(reason)]);
}

function handshakeRequest(path, headers = {}) {
  const h = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  let out = `GET ${path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(h)) if (v !== null) out += `${k}: ${v}\r\n`;
  return Buffer.from(out + '\r\n');
}

class RawWs {
  constructor(port) {
    this.port = port;
    this.buf = Buffer.alloc(0);
    this.head = null; // { status, headers, raw } once the HTTP answer is in
    this.frames = []; // every frame the server sent, in order
    this.waiters = [];
    this.ended = false;
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', () => {}); // a reset after the server's close is expected
    this.socket.on('close', () => { this.ended = true; this.wake(); });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  // Opens a WebSocket: sends the handshake (plus `early` bytes in the same
  // write) and waits for the HTTP answer.
  static async open(port, path, { headers = {}, early } = {}) {
    const ws = new RawWs(port);
    await ws.connected;
    const req = handshakeRequest(path, headers);
    ws.socket.write(early ? Buffer.concat([req, early]) : req);
    await ws.waitFor(() => ws.head);
    if (ws.head.status !== 101) throw new Error(`handshake answered ${ws.head.status}: ${ws.head.raw}`);
    return ws;
  }

  // Sends raw bytes and waits for an HTTP answer (for bad handshakes).
  static async http(port, bytes) {
    const ws = new RawWs(port);
    await ws.connected;
    ws.socket.write(bytes);
    await ws.waitFor(() => ws.head || ws.ended);
    return ws;
  }

  onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    if (!this.head) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const raw = this.buf.subarray(0, end).toString('latin1');
      const lines = raw.split('\r\n');
      const headers = {};
      for (const l of lines.slice(1)) {
        const c = l.indexOf(':');
        headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
      }
      this.head = { status: Number(lines[0].split(' ')[1]), headers, raw };
      this.buf = this.buf.subarray(end + 4);
      if (this.head.status !== 101) { this.wake(); return; }
    }
    if (this.head.status !== 101) return;
    for (;;) {
      if (this.buf.length < 2) break;
      const b0 = this.buf[0], b1 = this.buf[1];
      let n = b1 & 0x7F, h = 2;
      if (n === 126) { if (this.buf.length < 4) break; n = this.buf.readUInt16BE(2); h = 4; }
      else if (n === 127) { if (this.buf.length < 10) break; n = Number(this.buf.readBigUInt64BE(2)); h = 10; }
      if (this.buf.length < h + n) break;
      const payload = this.buf.subarray(h, h + n);
      this.frames.push({ fin: !!(b0 & 0x80), rsv: (b0 >> 4) & 7, opcode: b0 & 0x0F, masked: !!(b1 & 0x80), payload });
      this.buf = this.buf.subarray(h + n);
    }
    this.wake();
  }

  wake() {
    for (const w of [...this.waiters]) {
      const v = w.pred();
      if (v) { this.waiters.splice(this.waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(v); }
    }
  }

  // Resolves with pred()'s first truthy value, or null after timeoutMs.
  waitFor(pred, timeoutMs = 10000) {
    const v = pred();
    if (v) return Promise.resolve(v);
    return new Promise((resolve) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => { this.waiters.splice(this.waiters.indexOf(w), 1); resolve(null); }, timeoutMs);
      this.waiters.push(w);
    });
  }

  send(bytes) { if (!this.socket.destroyed) this.socket.write(bytes); }

  // Writes bytes in pieces of `size`, letting each reach the server on its own.
  async sendChunked(bytes, size = 1) {
    for (let i = 0; i < bytes.length; i += size) {
      this.send(bytes.subarray(i, i + size));
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  closeFrame() { return this.frames.find((f) => f.opcode === OP.CLOSE); }

  // What the server did: 'close CODE' (its close frame), 'close -' (an
  // empty close frame), 'dropped' (TCP closed without a close frame), or,
  // when it is still talking, 'alive' (a ping with a fresh payload got its
  // pong back), or 'no answer'.
  async observe(timeoutMs = 10000) {
    const token = crypto.randomBytes(8).toString('hex');
    if (!this.closeFrame() && !this.ended) this.send(frame(OP.PING, token));
    const r = await this.waitFor(() => {
      const c = this.closeFrame();
      if (c) return 'close';
      if (this.frames.some((f) => f.opcode === OP.PONG && f.payload.toString() === token)) return 'alive';
      if (this.ended) return 'dropped';
      return null;
    }, timeoutMs);
    if (r === 'close') {
      const c = this.closeFrame();
      return c.payload.length >= 2 ? `close ${c.payload.readUInt16BE(0)}` : 'close -';
    }
    return r || 'no answer';
  }

  // After a close frame: did the server also end the TCP connection?
  async waitEnd(timeoutMs = 10000) { return !!(await this.waitFor(() => this.ended, timeoutMs)); }

  destroy() { this.socket.destroy(); }
}

module.exports = { RawWs, OP, frame, closePayload, handshakeRequest };
