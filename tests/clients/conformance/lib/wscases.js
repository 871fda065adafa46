'use strict';
// The WebSocket conformance cases, grouped like Autobahn|Testsuite's case
// families, plus what Autobahn does not cover (masking, length encodings,
// handshakes). Our endpoints are not echo servers: a case that must be
// accepted is proven by a ping whose pong comes back after it (observe()),
// so a frame the server silently choked on cannot pass.
//
// A case: { id, desc, expect, nonStrict?, run(ctx) -> observed }. `expect` is
// the observation RFC 6455 requires; `nonStrict`, if given, is a tolerated
// weaker one (reported NON-STRICT, explained in docs/conformance.md).
const crypto = require('node:crypto');
const { RawWs, OP, frame, closePayload, handshakeRequest } = require('./rawws.js');
const { groups } = require('./utf8cases.js');

// ctx: { port, path (with token), limit (largest message in bytes) }
async function open(ctx, opts) { return RawWs.open(ctx.port, ctx.path, opts); }

// Sends `bytes` on a fresh connection and reports what the server did.
function sends(build, { chunk } = {}) {
  return async (ctx) => {
    const ws = await open(ctx);
    const bytes = Buffer.concat([].concat(build(ctx)));
    if (chunk) await ws.sendChunked(bytes, chunk);
    else ws.send(bytes);
    const r = await ws.observe();
    ws.destroy();
    return r;
  };
}

const text = (s, o) => frame(OP.TEXT, s, o);
const pad = (n, ch = 'a') => Buffer.alloc(n, ch);

function family1() {
  const cases = [];
  const sizes = [0, 125, 126, 127, 128, 65535, 65536];
  sizes.forEach((n, i) => {
    cases.push({ id: `1.1.${i + 1}`, desc: `text message of ${n} bytes`, expect: 'alive', run: sends(() => text(pad(n))) });
    cases.push({ id: `1.2.${i + 1}`, desc: `binary message of ${n} bytes`, expect: 'alive', run: sends(() => frame(OP.BINARY, pad(n, '\xfe'))) });
  });
  cases.push({ id: '1.3.1', desc: 'text of 300 bytes sent byte by byte', expect: 'alive', run: sends(() => text(pad(300)), { chunk: 1 }) });
  cases.push({ id: '1.3.2', desc: 'text of 65536 bytes in 997-byte chunks', expect: 'alive', run: sends(() => text(pad(65536)), { chunk: 997 }) });
  cases.push({ id: '1.3.3', desc: 'three frames in one write, ping split in 3-byte chunks', expect: 'alive', run: sends(() => [text('{}'), frame(OP.BINARY, 'x'), text(pad(200))], { chunk: 3 }) });
  return cases;
}

function pongEchoes(payload, split) {
  return async (ctx) => {
    const ws = await open(ctx);
    const f = frame(OP.PING, payload);
    if (split) await ws.sendChunked(f, 1); else ws.send(f);
    const got = await ws.waitFor(() => ws.frames.find((x) => x.opcode === OP.PONG) || (ws.ended && 'ended'));
    ws.destroy();
    if (!got || got === 'ended') return 'no pong';
    return got.payload.equals(Buffer.from(payload)) ? 'pong echoes payload' : `pong with other payload (${got.payload.length} bytes)`;
  };
}

function family2() {
  return [
    { id: '2.1', desc: 'ping without payload', expect: 'pong echoes payload', run: pongEchoes(Buffer.alloc(0)) },
    { id: '2.2', desc: 'ping with a small text payload', expect: 'pong echoes payload', run: pongEchoes('Hello, world!') },
    { id: '2.3', desc: 'ping with a binary payload', expect: 'pong echoes payload', run: pongEchoes(Buffer.from([0, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0, 0xff])) },
    { id: '2.4', desc: 'ping with a 125-byte payload', expect: 'pong echoes payload', run: pongEchoes(pad(125, '\xfe')) },
    { id: '2.5', desc: 'ping with a 126-byte payload', expect: 'close 1002', run: sends(() => frame(OP.PING, pad(126))) },
    { id: '2.6', desc: 'ping with a 125-byte payload sent byte by byte', expect: 'pong echoes payload', run: pongEchoes(pad(125, 'z'), true) },
    { id: '2.7', desc: 'unsolicited pong without payload', expect: 'alive', run: sends(() => frame(OP.PONG)) },
    { id: '2.8', desc: 'unsolicited pong with payload', expect: 'alive', run: sends(() => frame(OP.PONG, 'unsolicited pong payload')) },
    { id: '2.10', desc: '10 pings in a row', expect: 'alive', run: sends(() => Array.from({ length: 10 }, (_, i) => frame(OP.PING, `ping ${i}`))) },
    { id: '2.11', desc: '10 pings in a row, byte by byte', expect: 'alive', run: sends(() => Array.from({ length: 10 }, (_, i) => frame(OP.PING, `ping ${i}`)), { chunk: 1 }) },
  ];
}

function family3() {
  const cases = [];
  for (let rsv = 1; rsv <= 7; ++rsv) {
    const op = [OP.TEXT, OP.TEXT, OP.TEXT, OP.BINARY, OP.PING, OP.CLOSE, OP.TEXT][rsv - 1];
    const payload = op === OP.CLOSE ? closePayload(1000) : 'reserved';
    cases.push({ id: `3.${rsv}`, desc: `RSV=${rsv} on a ${Object.keys(OP).find((k) => OP[k] === op)} frame`, expect: 'close 1002', run: sends(() => frame(op, payload, { rsv })) });
  }
  cases.push({ id: '3.8', desc: 'valid text, then RSV1 frame, then ping', expect: 'close 1002', run: sends(() => [text('{}'), frame(OP.TEXT, 'x', { rsv: 4 })]) });
  return cases;
}

function family4() {
  const cases = [];
  [3, 4, 5, 6, 7].forEach((op, i) => cases.push({ id: `4.1.${i + 1}`, desc: `reserved data opcode ${op}`, expect: 'close 1002', run: sends(() => frame(op, 'reserved')) }));
  [0xB, 0xC, 0xD, 0xE, 0xF].forEach((op, i) => cases.push({ id: `4.2.${i + 1}`, desc: `reserved control opcode ${op}`, expect: 'close 1002', run: sends(() => frame(op, 'reserved')) }));
  return cases;
}

function family5() {
  const F = (op, p, fin) => frame(op, p, { fin });
  return [
    { id: '5.1', desc: 'ping in 2 fragments', expect: 'close 1002', run: sends(() => [F(OP.PING, 'frag', false), F(OP.CONT, 'ment', true)]) },
    { id: '5.2', desc: 'pong in 2 fragments', expect: 'close 1002', run: sends(() => [F(OP.PONG, 'frag', false), F(OP.CONT, 'ment', true)]) },
    { id: '5.3', desc: 'text in 2 fragments', expect: 'alive', run: sends(() => [F(OP.TEXT, '{"ty', false), F(OP.CONT, 'pe":1}', true)]) },
    { id: '5.4', desc: 'text in 3 fragments, byte by byte', expect: 'alive', run: sends(() => [F(OP.TEXT, 'frag', false), F(OP.CONT, 'ment', false), F(OP.CONT, 'ed', true)], { chunk: 1 }) },
    { id: '5.5', desc: 'text in 2 fragments with a ping between', expect: 'alive', run: sends(() => [F(OP.TEXT, 'frag', false), frame(OP.PING, 'between'), F(OP.CONT, 'ment', true)]) },
    { id: '5.6', desc: 'text in 2 fragments with a pong between', expect: 'alive', run: sends(() => [F(OP.TEXT, 'frag', false), frame(OP.PONG, 'between'), F(OP.CONT, 'ment', true)]) },
    { id: '5.7', desc: 'text fragments with a ping between, byte by byte', expect: 'alive', run: sends(() => [F(OP.TEXT, 'frag', false), frame(OP.PING, 'between'), F(OP.CONT, 'ment', true)], { chunk: 1 }) },
    { id: '5.8', desc: 'binary in 1000 fragments of 1 byte', expect: 'alive', run: sends(() => Array.from({ length: 1000 }, (_, i) => F(i ? OP.CONT : OP.BINARY, 'b', i === 999))) },
    { id: '5.9', desc: 'stray continuation frame (FIN)', expect: 'close 1002', run: sends(() => F(OP.CONT, 'stray', true)) },
    { id: '5.10', desc: 'stray continuation frame (no FIN)', expect: 'close 1002', run: sends(() => F(OP.CONT, 'stray', false)) },
    { id: '5.11', desc: 'stray continuation, byte by byte', expect: 'close 1002', run: sends(() => [F(OP.CONT, 'stray', true), text('{}')], { chunk: 1 }) },
    { id: '5.12', desc: 'text fragment, then a new text frame', expect: 'close 1002', run: sends(() => [F(OP.TEXT, 'frag', false), F(OP.TEXT, 'new', true)]) },
    { id: '5.13', desc: 'text fragment, then a new binary frame', expect: 'close 1002', run: sends(() => [F(OP.TEXT, 'frag', false), F(OP.BINARY, 'new', true)]) },
    { id: '5.14', desc: 'empty fragments (text with empty first and last)', expect: 'alive', run: sends(() => [F(OP.TEXT, '', false), F(OP.CONT, '{}', false), F(OP.CONT, '', true)]) },
    { id: '5.15', desc: 'two fragmented messages back to back', expect: 'alive', run: sends(() => [F(OP.TEXT, 'a', false), F(OP.CONT, 'b', true), F(OP.BINARY, 'c', false), F(OP.CONT, 'd', true)]) },
    { id: '5.16', desc: 'close between fragments', expect: 'close 1000', run: sends(() => [F(OP.TEXT, 'frag', false), frame(OP.CLOSE, closePayload(1000))]) },
  ];
}

// A text message with `bytes` as its whole payload, in one frame.
function utf8Case(bytes) {
  return sends(() => text(bytes));
}

function family6() {
  const cases = [
    { id: '6.1.1', desc: 'empty text message', expect: 'alive', run: sends(() => text('')) },
    { id: '6.1.2', desc: 'empty text in 3 empty fragments', expect: 'alive', run: sends(() => [frame(OP.TEXT, '', { fin: false }), frame(OP.CONT, '', { fin: false }), frame(OP.CONT, '')]) },
    { id: '6.2.1', desc: 'valid UTF-8 with multi-byte code points', expect: 'alive', run: sends(() => text(Buffer.from('Hello-µ@ßöäüàá-UTF-8!!'))) },
    { id: '6.2.2', desc: 'valid UTF-8 fragmented on a code point boundary', expect: 'alive', run: sends(() => [frame(OP.TEXT, Buffer.from('Hello-µ@ßö'), { fin: false }), frame(OP.CONT, Buffer.from('äüàá-UTF-8!!'))]) },
    { id: '6.2.3', desc: 'valid UTF-8 fragmented into single bytes', expect: 'alive', run: sends(() => { const s = Buffer.from('Hello-µ@ßöäüàá-UTF-8!!'); return [...s].map((c, i) => frame(i ? OP.CONT : OP.TEXT, Buffer.from([c]), { fin: i === s.length - 1 })); }) },
    { id: '6.2.4', desc: 'valid 4-byte code points fragmented inside a code point', expect: 'alive', run: sends(() => { const s = Buffer.from('\u{1D11E}\u{1D11E}'); return [frame(OP.TEXT, s.subarray(0, 3), { fin: false }), frame(OP.CONT, s.subarray(3))]; }) },
    { id: '6.3.1', desc: 'invalid UTF-8 (surrogate) in one frame', expect: 'close 1007', run: sends(() => text(Buffer.from([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64]))) },
    { id: '6.3.2', desc: 'same, sent byte by byte', expect: 'close 1007', run: sends(() => text(Buffer.from([0xce, 0xba, 0xed, 0xa0, 0x80, 0x65, 0x64])), { chunk: 1 }) },
    {
      id: '6.4.1', desc: 'fail fast: bad first fragment of 3, the rest never sent', expect: 'close 1007',
      run: sends(() => [frame(OP.TEXT, Buffer.from([0xce, 0xba, 0xed, 0xa0, 0x80]), { fin: false }), frame(OP.CONT, 'edited', { fin: false })]),
    },
    {
      id: '6.4.2', desc: 'fail fast: bad byte at the end of the first fragment, second never sent', expect: 'close 1007',
      run: sends(() => frame(OP.TEXT, Buffer.from([0x65, 0x64, 0xf4, 0x90, 0x80, 0x80]), { fin: false })),
    },
    {
      id: '6.4.3', desc: 'fail fast inside one frame: bad bytes in the first part of its payload, the rest sent after 500 ms', expect: 'close 1007 before the rest', nonStrict: 'close 1007 after the rest',
      run: async (ctx) => {
        const ws = await open(ctx);
        const f = text(Buffer.concat([Buffer.from([0xce, 0xba, 0xf4, 0x90, 0x80, 0x80]), pad(100)]));
        ws.send(f.subarray(0, 2 + 4 + 6));
        const early = await ws.waitFor(() => ws.closeFrame(), 500);
        ws.send(f.subarray(12));
        const r = await ws.observe();
        ws.destroy();
        if (r !== 'close 1007') return r;
        return early ? 'close 1007 before the rest' : 'close 1007 after the rest';
      },
    },
  ];
  groups().forEach(([name, seqs], gi) => {
    seqs.forEach(([valid, bytes], si) => {
      cases.push({
        id: `6.${gi + 5}.${si + 1}`,
        desc: `${name}: ${bytes.length > 12 ? bytes.subarray(0, 12).toString('hex') + '…' : bytes.toString('hex')}`,
        expect: valid ? 'alive' : 'close 1007',
        run: utf8Case(bytes),
      });
    });
  });
  // The same sequences as the first fragment of a message that never ends:
  // the server must fail at the bad fragment, not wait for the last one.
  let n = 0;
  for (const [, seqs] of groups()) {
    for (const [valid, bytes] of seqs) {
      if (valid) continue;
      // A truncated sequence at a fragment's end may still be completed by the
      // next fragment: those are only errors at the message's end.
      const complete = Buffer.concat([bytes, Buffer.from('z')]);
      // Followed by an ASCII byte, no later fragment can complete it.
      let definitelyBad = true;
      try { new TextDecoder('utf-8', { fatal: true }).decode(complete); definitelyBad = false; } catch (_) { /* bad */ }
      if (!definitelyBad) continue;
      cases.push({
        id: `6.24.${++n}`, desc: `fail fast, fragmented: ${bytes.length > 12 ? bytes.subarray(0, 12).toString('hex') + '…' : bytes.toString('hex')} + "z" in an unfinished message`,
        expect: 'close 1007',
        run: sends(() => [frame(OP.TEXT, complete, { fin: false }), frame(OP.CONT, 'more', { fin: false })]),
      });
    }
  }
  return cases;
}

function closeWith(payload) {
  return async (ctx) => {
    const ws = await open(ctx);
    ws.send(frame(OP.CLOSE, payload));
    const r = await ws.observe();
    ws.destroy();
    return r;
  };
}

function family7() {
  const cases = [
    {
      id: '7.1.1', desc: 'valid text, then close 1000', expect: 'close 1000, TCP closed',
      run: async (ctx) => {
        const ws = await open(ctx);
        ws.send(Buffer.concat([text('{}'), frame(OP.CLOSE, closePayload(1000))]));
        const r = await ws.observe();
        return `${r}, ${(await ws.waitEnd()) ? 'TCP closed' : 'TCP open'}`;
      },
    },
    {
      id: '7.1.2', desc: 'close, then text and ping after it (ignored)', expect: 'close 1000, nothing after, TCP closed',
      run: async (ctx) => {
        const ws = await open(ctx);
        ws.send(Buffer.concat([frame(OP.CLOSE, closePayload(1000)), text('{"type":"ping"}'), frame(OP.PING, 'after close')]));
        await ws.waitEnd();
        const i = ws.frames.findIndex((f) => f.opcode === OP.CLOSE);
        if (i < 0) return ws.ended ? 'dropped' : 'no answer';
        const after = ws.frames.slice(i + 1).length;
        return `close ${ws.frames[i].payload.readUInt16BE(0)}, ${after ? `${after} frames after` : 'nothing after'}, ${ws.ended ? 'TCP closed' : 'TCP open'}`;
      },
    },
    {
      id: '7.1.3', desc: 'close sent twice', expect: 'close 1000, TCP closed',
      run: async (ctx) => {
        const ws = await open(ctx);
        ws.send(Buffer.concat([frame(OP.CLOSE, closePayload(1000)), frame(OP.CLOSE, closePayload(1000))]));
        const r = await ws.observe();
        return `${r}, ${(await ws.waitEnd()) ? 'TCP closed' : 'TCP open'}`;
      },
    },
    { id: '7.3.1', desc: 'close with an empty payload', expect: 'close 1000', run: closeWith(Buffer.alloc(0)) },
    { id: '7.3.2', desc: 'close with a 1-byte payload', expect: 'close 1002', run: closeWith(Buffer.from([0x03])) },
    { id: '7.3.3', desc: 'close 1000 without reason', expect: 'close 1000', run: closeWith(closePayload(1000)) },
    { id: '7.3.4', desc: 'close 1000 with a reason', expect: 'close 1000', run: closeWith(closePayload(1000, 'Hello World!')) },
    { id: '7.3.5', desc: 'close 1000 with a 123-byte reason', expect: 'close 1000', run: closeWith(closePayload(1000, pad(123, '*'))) },
    { id: '7.3.6', desc: 'close 1000 with a 124-byte reason (frame too big)', expect: 'close 1002', run: closeWith(closePayload(1000, pad(124, '*'))) },
    { id: '7.5.1', desc: 'close reason with invalid UTF-8', expect: 'close 1007', run: closeWith(closePayload(1000, Buffer.from([0xce, 0xba, 0xed, 0xa0, 0x80]))) },
  ];
  const valid = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999];
  valid.forEach((code, i) => cases.push({ id: `7.7.${i + 1}`, desc: `close with valid code ${code}`, expect: `close ${code}`, run: closeWith(closePayload(code)) }));
  const invalid = [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999, 5000, 65535];
  invalid.forEach((code, i) => cases.push({ id: `7.9.${i + 1}`, desc: `close with invalid code ${code}`, expect: 'close 1002', run: closeWith(closePayload(code)) }));
  return cases;
}

function family9() {
  return [
    { id: '9.1.1', desc: 'text at the limit (limit bytes)', expect: 'alive', run: sends((ctx) => text(pad(ctx.limit))) },
    { id: '9.1.2', desc: 'text one byte over the limit', expect: 'close 1009', run: sends((ctx) => text(pad(ctx.limit + 1))) },
    { id: '9.1.3', desc: 'binary at the limit', expect: 'alive', run: sends((ctx) => frame(OP.BINARY, pad(ctx.limit))) },
    { id: '9.1.4', desc: 'binary one byte over the limit', expect: 'close 1009', run: sends((ctx) => frame(OP.BINARY, pad(ctx.limit + 1))) },
    { id: '9.1.5', desc: 'header announcing 4 GiB (closed before the payload)', expect: 'close 1009', run: sends(() => frame(OP.TEXT, 'x', { lengthOverride: 2n ** 32n }).subarray(0, 14)) },
    { id: '9.2.1', desc: 'limit bytes in 64 fragments', expect: 'alive', run: sends((ctx) => { const p = ctx.limit / 64; return Array.from({ length: 64 }, (_, i) => frame(i ? OP.CONT : OP.TEXT, pad(p), { fin: i === 63 })); }) },
    { id: '9.2.2', desc: 'fragments adding up to one byte over the limit', expect: 'close 1009', run: sends((ctx) => [frame(OP.TEXT, pad(ctx.limit), { fin: false }), frame(OP.CONT, 'x')]) },
    { id: '9.3.1', desc: 'limit bytes in TCP chunks of 65533 bytes', expect: 'alive', run: sends((ctx) => text(pad(ctx.limit)), { chunk: 64 * 1024 - 3 }) },
  ];
}

function family12() {
  const deflateOpen = (ctx) => RawWs.open(ctx.port, ctx.path, { headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' } });
  return [
    {
      id: '12.1', desc: 'permessage-deflate offered: declined, connection works', expect: 'no extension, alive',
      run: async (ctx) => {
        const ws = await deflateOpen(ctx);
        const ext = ws.head.headers['sec-websocket-extensions'];
        const r = await ws.observe();
        ws.destroy();
        return `${ext ? `extension ${ext}` : 'no extension'}, ${r}`;
      },
    },
    {
      id: '12.2', desc: 'permessage-deflate declined, then a compressed (RSV1) frame', expect: 'close 1002',
      run: async (ctx) => {
        const ws = await deflateOpen(ctx);
        ws.send(frame(OP.TEXT, require('node:zlib').deflateRawSync('{"type":"ping"}'), { rsv: 4 }));
        const r = await ws.observe();
        ws.destroy();
        return r;
      },
    },
  ];
}

function extra() {
  const ping = () => frame(OP.PING, 'x');
  return [
    { id: 'X.1.1', desc: 'unmasked text frame', expect: 'close 1002', run: sends(() => frame(OP.TEXT, '{}', { mask: false })) },
    { id: 'X.1.2', desc: 'unmasked ping', expect: 'close 1002', run: sends(() => frame(OP.PING, 'x', { mask: false })) },
    { id: 'X.1.3', desc: 'unmasked close', expect: 'close 1002', run: sends(() => frame(OP.CLOSE, closePayload(1000), { mask: false })) },
    { id: 'X.2.1', desc: 'non-minimal length: 5 bytes in a 16-bit length (accepted, documented)', expect: 'alive', run: sends(() => text('{"a":1}', { len: 16 })) },
    { id: 'X.2.2', desc: 'non-minimal length: 5 bytes in a 64-bit length (accepted, documented)', expect: 'alive', run: sends(() => text('{"a":1}', { len: 64 })) },
    { id: 'X.2.3', desc: 'non-minimal length on a ping (16-bit)', expect: 'alive', run: sends(() => frame(OP.PING, 'x', { len: 16 })) },
    { id: 'X.3.1', desc: '64-bit length with the top bit set', expect: 'close 1002', run: sends(() => frame(OP.TEXT, 'x', { lengthOverride: 2n ** 63n + 5n }).subarray(0, 14)) },
    { id: 'X.3.2', desc: '64-bit length 2^63-1', expect: 'close 1009', run: sends(() => frame(OP.TEXT, 'x', { lengthOverride: 2n ** 63n - 1n }).subarray(0, 14)) },
    {
      id: 'X.4.1', desc: 'frames in the same TCP segment as the handshake', expect: 'pong, alive',
      run: async (ctx) => {
        const ws = await RawWs.open(ctx.port, ctx.path, { early: Buffer.concat([text('{"type":"ping"}'), frame(OP.PING, 'early')]) });
        const pong = await ws.waitFor(() => ws.frames.find((f) => f.opcode === OP.PONG && f.payload.toString() === 'early'));
        const r = await ws.observe();
        ws.destroy();
        return `${pong ? 'pong' : 'no pong'}, ${r}`;
      },
    },
    {
      id: 'X.4.2', desc: 'handshake and first frame split byte by byte', expect: 'alive',
      run: async (ctx) => {
        const ws = new RawWs(ctx.port);
        await ws.connected;
        await ws.sendChunked(Buffer.concat([handshakeRequest(ctx.path), ping()]), 7);
        await ws.waitFor(() => ws.head);
        if (!ws.head || ws.head.status !== 101) return `HTTP ${ws.head && ws.head.status}`;
        const r = await ws.observe();
        ws.destroy();
        return r;
      },
    },
  ];
}

// Handshakes the server must refuse with an HTTP status (and the headers RFC 6455 4.2.2 asks for).
function handshakes() {
  const req = (ctx, headers, method = 'GET', version = 'HTTP/1.1') => {
    let r = handshakeRequest(ctx.path, headers).toString('latin1');
    r = r.replace(/^GET (\S+) HTTP\/1\.1/, `${method} $1 ${version}`);
    return Buffer.from(r, 'latin1');
  };
  const status = (build, header) => async (ctx) => {
    const ws = await RawWs.http(ctx.port, build(ctx));
    const r = ws.head ? `${ws.head.status}${header ? ` ${header}: ${ws.head.headers[header.toLowerCase()] || '-'}` : ''}` : 'no answer';
    ws.destroy();
    return r;
  };
  return [
    { id: 'H.1', desc: 'missing Sec-WebSocket-Key', expect: '400', run: status((ctx) => req(ctx, { 'Sec-WebSocket-Key': null })) },
    { id: 'H.2', desc: 'Sec-WebSocket-Key of 15 bytes', expect: '400', run: status((ctx) => req(ctx, { 'Sec-WebSocket-Key': crypto.randomBytes(15).toString('base64') })) },
    { id: 'H.3', desc: 'Sec-WebSocket-Key not base64', expect: '400', run: status((ctx) => req(ctx, { 'Sec-WebSocket-Key': '!!!!not-base64-at-all!!!' })) },
    { id: 'H.4', desc: 'Sec-WebSocket-Version 8', expect: '426 Sec-WebSocket-Version: 13', run: status((ctx) => req(ctx, { 'Sec-WebSocket-Version': '8' }), 'Sec-WebSocket-Version') },
    { id: 'H.5', desc: 'Sec-WebSocket-Version missing', expect: '426 Sec-WebSocket-Version: 13', run: status((ctx) => req(ctx, { 'Sec-WebSocket-Version': null }), 'Sec-WebSocket-Version') },
    { id: 'H.6', desc: 'Upgrade header missing (plain GET of /ws)', expect: '426', nonStrict: '400', run: status((ctx) => req(ctx, { Upgrade: null })) },
    { id: 'H.7', desc: 'Connection header without "upgrade"', expect: '426', nonStrict: '400', run: status((ctx) => req(ctx, { Connection: 'keep-alive' })) },
    { id: 'H.8', desc: 'Upgrade: h2c instead of websocket', expect: '426', nonStrict: '400', run: status((ctx) => req(ctx, { Upgrade: 'h2c' })) },
    { id: 'H.9', desc: 'POST with upgrade headers', expect: '426', run: status((ctx) => req(ctx, {}, 'POST')) },
    { id: 'H.10', desc: 'HTTP/1.0 upgrade request', expect: '400', run: status((ctx) => req(ctx, {}, 'GET', 'HTTP/1.0')) },
    { id: 'H.11', desc: 'Connection: keep-alive, Upgrade and Upgrade: WebSocket (mixed case)', expect: '101', run: status((ctx) => req(ctx, { Connection: 'keep-alive, Upgrade', Upgrade: 'WebSocket' })) },
    { id: 'H.12', desc: 'no token (authentication refused before the upgrade)', expect: '401', run: status(() => handshakeRequest('/ws')) },
  ];
}

function all() {
  return [...family1(), ...family2(), ...family3(), ...family4(), ...family5(), ...family6(), ...family7(),
    ...family9(), ...family12(), ...extra(), ...handshakes()];
}

module.exports = { all };
