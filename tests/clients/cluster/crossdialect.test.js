'use strict';
// One channel, one client per dialect, each on a node of its own
// (docs/cluster.md#presence-typing-and-rooms): Phoenix on node 1, Socket.IO /
// on node 2, Socket.IO /chat on node 3, flat JSON on node 4, workspace JSON
// on node 5; presence changes are made on node 6, where no watcher is. Typing,
// read receipts and presence made on one node are seen by every dialect that
// has that event, in its own form:
//
//   event      Phoenix                     /chat           flat JSON        workspace JSON     Socket.IO /
//   typing     typing_start / typing_stop  userTyping      typing_indicator typing.start/stop  none (seed 001)
//   receipt    message_read                messageRead     message_read     none (seed 003)    none (seed 001)
//   presence   presence_diff (workspace:)  presenceUpdate  user_status      presence.updated   none (seed 001)
//
// Where a dialect has no such event, the test proves that nothing reaches it
// with a barrier, not a sleep: a flat JSON witness on the same node has
// received the event (the node delivered it to all its local listeners at
// once), then the dialect client does a round trip (ping/pong, heartbeat ack),
// after which anything the node sent it before is in its queue.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');

const missing = clusterMissing();
if (missing) {
  test('typing, receipts and presence across nodes and dialects', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, n, general, workspaceId;
  const NAME = { phoenix: 'Phoenix', root: 'Socket.IO /', chat: 'Socket.IO /chat', flat: 'flat JSON', wsjson: 'workspace JSON' };
  const u = {};
  const c = {};
  const open = [];

  // A flat JSON socket of `who` on `node`, following #general.
  async function flat(node, who) {
    const s = await JsonSocket.open(`${node.wsBase}/ws?token=${who.token}`);
    open.push(s);
    await s.next('connection_established');
    s.send({ type: 'join_channel', channel_id: general });
    await s.next('channel_joined');
    return s;
  }
  async function workspaceJson(node, who) {
    const s = await JsonSocket.open(`${node.wsBase}/ws/${workspaceId}?token=${who.token}`);
    open.push(s);
    s.send({ type: 'ping' });
    await s.next('pong');
    return s;
  }
  async function socketIo(node, who, nsp) {
    const s = sio.connect(node, { nsp, token: who.token, how: nsp === '/' ? 'auth' : 'query', transports: ['websocket'] });
    open.push(s);
    await sio.connected(s);
    if (nsp === '/') {
      assert.equal((await s.emitWithAck('join_channel', { channelId: general })).ok, true);
      // Its own connect and join notices: taken, so that what is left is what others caused.
      assert.equal((await sio.next(s, 'authenticated')).userId, who.user.id);
      await sio.next(s, 'joined_channel');
    } else {
      await s.emitWithAck('joinRoom', general);
    }
    return s;
  }
  async function phoenix(node, who) {
    const socket = await phx.connect(node, who.token);
    open.push({ close: () => socket.disconnect() });
    const ch = await phx.join(socket, `channel:${general}`);
    assert.equal(ch.status, 'ok');
    await ch.inbox.next('presence_state');
    const ws = await phx.join(socket, `workspace:${workspaceId}`);
    assert.equal(ws.status, 'ok');
    await ws.inbox.next('presence_state');
    return { socket, ch, ws };
  }

  test.before(async () => {
    cluster = await startCluster({
      nodes: 6,
      args: ['--presence-window-ms', '50', '--rate-joins-per-minute', '0', '--rate-messages-per-minute', '0',
        '--rate-typing-per-minute', '0'],
    });
    n = [null, ...cluster.nodes]; // n[1]..n[6]
    for (const name of ['phoenix', 'root', 'chat', 'flat', 'wsjson', 'witness2', 'witness5', 'author']) u[name] = await register(n[1]);
    general = (await api(n[1], 'GET', '/api/v1/channels', u.flat.token)).body.channels.find((x) => x.name === 'general').id;
    workspaceId = (await api(n[1], 'GET', '/api/v1/workspaces', u.flat.token)).body.workspaces.find((w) => w.is_default).id;
    c.phoenix = await phoenix(n[1], u.phoenix);
    c.root = await socketIo(n[2], u.root, '/');
    c.chat = await socketIo(n[3], u.chat, '/chat');
    c.flat = await flat(n[4], u.flat);
    c.wsjson = await workspaceJson(n[5], u.wsjson);
    c.witness2 = await flat(n[2], u.witness2);
    c.witness5 = await flat(n[5], u.witness5);
  });

  test.after(async () => {
    for (const s of open) { try { s.close(); } catch (_) { /* already closed */ } }
    const exits = await cluster?.stop();
    for (const e of exits || []) assert.deepEqual(e, { code: 0, signal: null });
  });

  // Socket.IO / hears only message events, whatever happened: checked after
  // its own round trip, once the witness on its node has the event.
  async function rootHeardNothingBut(what) {
    await sio.settle(c.root);
    const other = c.root.events.filter((e) => e.name !== 'new_message');
    assert.deepEqual(other.map((e) => e.name), [], `Socket.IO / got nothing for ${what}`);
  }

  // How each dialect shows "user `id` is typing in #general" (on = true) or stopped.
  const seesTyping = {
    phoenix: (id, on) => c.phoenix.ch.inbox.next(on ? 'typing_start' : 'typing_stop', (p) => p.user_id === id && p.channel_id === general, 8000),
    chat: (id, on) => sio.next(c.chat, 'userTyping', (d) => d.userId === id && d.roomId === general && d.isTyping === on, 8000),
    flat: (id, on) => c.flat.next((m) => m.type === 'typing_indicator' && m.user_id === id && m.channel_id === general && m.is_typing === on, 8000),
    wsjson: (id, on) => c.wsjson.next((m) => m.type === (on ? 'typing.start' : 'typing.stop') && m.data.user_id === id && m.data.channel_id === general, 8000),
  };
  const witnessSeesTyping = (id, on) => c.witness2.next((m) => m.type === 'typing_indicator' && m.user_id === id && m.is_typing === on, 8000);
  // How each dialect that can type says it.
  const type = {
    phoenix: (on) => c.phoenix.ch.channel.push(on ? 'typing_start' : 'typing_stop', {}),
    chat: (on) => c.chat.emit('typingIndicator', { roomId: general, isTyping: on }),
    flat: (on) => c.flat.send({ type: 'typing_indicator', channel_id: general, is_typing: on }),
    wsjson: (on) => c.wsjson.send({ type: 'typing', channel_id: general, is_typing: on }),
  };

  for (const typist of ['phoenix', 'chat', 'flat', 'wsjson']) {
    test(`typing in ${NAME[typist]} on its node reaches Phoenix, /chat, flat JSON and workspace JSON on the other nodes (Socket.IO / has no typing: nothing)`, async () => {
      const id = u[typist].user.id;
      const others = Object.keys(seesTyping).filter((d) => d !== typist);
      for (const on of [true, false]) {
        type[typist](on);
        await Promise.all([...others.map((d) => seesTyping[d](id, on)), witnessSeesTyping(id, on)]);
      }
      await rootHeardNothingBut(`typing in ${typist}`);
    });
  }

  // How each dialect with receipts shows "user `id` read message `mid`".
  const seesReceipt = {
    phoenix: (id, mid) => c.phoenix.ch.inbox.next('message_read', (p) => p.user_id === id && p.message_id === mid && p.channel_id === general, 8000),
    chat: (id, mid) => sio.next(c.chat, 'messageRead', (d) => d.userId === id && d.messageId === mid && d.roomId === general, 8000),
    flat: (id, mid) => c.flat.next((m) => m.type === 'message_read' && m.user_id === id && m.message_id === mid && m.channel_id === general, 8000),
  };
  const markRead = {
    phoenix: async (mid) => assert.equal((await phx.reply(c.phoenix.ch.channel.push('mark_read', { message_id: mid }))).status, 'ok'),
    chat: async (mid) => c.chat.emit('readReceipt', { messageId: mid, roomId: general }),
    flat: async (mid) => c.flat.send({ type: 'mark_read', message_id: mid }),
  };

  for (const reader of ['phoenix', 'chat', 'flat']) {
    test(`a read receipt in ${NAME[reader]} on its node reaches Phoenix, /chat and flat JSON on the other nodes (workspace JSON and Socket.IO / have none: nothing)`, async () => {
      const posted = await api(n[6], 'POST', '/api/v1/messages', u.author.token, { channel_id: general, content: `read by ${reader}` });
      assert.equal(posted.status, 201, posted.text);
      const mid = posted.body.id;
      // Everyone has the message before it is read (the reader's own copy included).
      await c.wsjson.next((m) => m.type === 'message.new' && m.data.id === mid, 8000);
      await c.flat.next((m) => m.type === 'new_message' && m.data.id === mid, 8000);
      await markRead[reader](mid);
      const id = u[reader].user.id;
      const others = Object.keys(seesReceipt).filter((d) => d !== reader);
      const witnessSees = (w) => w.next((m) => m.type === 'message_read' && m.user_id === id && m.message_id === mid, 8000);
      await Promise.all([...others.map((d) => seesReceipt[d](id, mid)), witnessSees(c.witness2), witnessSees(c.witness5)]);
      await rootHeardNothingBut(`a receipt in ${reader}`);
      await c.wsjson.settle();
      const leaked = c.wsjson.queue.filter((m) => m.type !== 'message.new' && JSON.stringify(m.data).includes(mid));
      assert.deepEqual(leaked, [], 'workspace JSON got nothing about the receipt');
    });
  }

  // How each dialect with presence shows user `id` going `status` (Phoenix:
  // a join or leave on the workspace topic; its metas carry no status).
  const seesStatus = {
    phoenix: (id, status) => c.phoenix.ws.inbox.next('presence_diff', (d) => (status === 'offline' ? d.leaves : d.joins)[id], 8000),
    chat: (id, status) => sio.next(c.chat, 'presenceUpdate', (d) => d.userId === id && d.status === status, 8000),
    flat: (id, status) => c.flat.next((m) => m.type === 'user_status' && m.user_id === id && m.status === status, 8000),
    wsjson: (id, status) => c.wsjson.next((m) => m.type === 'presence.updated' && m.data.user_id === id && m.data.status === status, 8000),
  };
  const witnessSeesStatus = (id, status) => c.witness2.next((m) => m.type === 'user_status' && m.user_id === id && m.status === status, 8000);
  // A fresh user connects in each dialect on node 6, where no watcher is.
  const connectOn6 = {
    phoenix: async (who) => { const p = await phoenix(n[6], who); return () => phx.disconnect(p.socket); },
    root: async (who) => { const s = await socketIo(n[6], who, '/'); return () => s.close(); },
    chat: async (who) => { const s = await socketIo(n[6], who, '/chat'); return () => s.close(); },
    flat: async (who) => { const s = await flat(n[6], who); return () => s.close(); },
    wsjson: async (who) => { const s = await workspaceJson(n[6], who); return () => s.close(); },
  };

  for (const dialect of Object.keys(connectOn6)) {
    test(`a user connecting in ${NAME[dialect]} on node 6 is online, then offline, for Phoenix, /chat, flat JSON and workspace JSON (Socket.IO / has no presence: nothing)`, async () => {
      const who = await register(n[1]);
      const id = who.user.id;
      const close = await connectOn6[dialect](who);
      await Promise.all([...Object.keys(seesStatus).map((d) => seesStatus[d](id, 'online')), witnessSeesStatus(id, 'online')]);
      await close();
      await Promise.all([...Object.keys(seesStatus).map((d) => seesStatus[d](id, 'offline')), witnessSeesStatus(id, 'offline')]);
      await rootHeardNothingBut(`presence of a ${dialect} user`);
    });
  }

  test('away set in flat JSON and busy set in /chat on node 6 show on the other nodes (workspace JSON shows busy as away)', async () => {
    const [a, b] = [await register(n[1]), await register(n[1])];
    const fa = await flat(n[6], a);
    const sb = await socketIo(n[6], b, '/chat');
    for (const who of [a, b]) await Promise.all(['chat', 'flat', 'wsjson'].map((d) => seesStatus[d](who.user.id, 'online')));
    fa.send({ type: 'set_status', status: 'away' });
    await Promise.all([seesStatus.chat(a.user.id, 'away'), seesStatus.flat(a.user.id, 'away'), seesStatus.wsjson(a.user.id, 'away'),
      witnessSeesStatus(a.user.id, 'away')]);
    sb.emit('presenceUpdate', { status: 'busy' });
    await Promise.all([seesStatus.chat(b.user.id, 'busy'), seesStatus.flat(b.user.id, 'busy'), seesStatus.wsjson(b.user.id, 'away'),
      witnessSeesStatus(b.user.id, 'busy')]);
    await rootHeardNothingBut('status changes');
    await fa.close();
    sb.close();
  });
}
