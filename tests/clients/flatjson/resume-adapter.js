'use strict';
// How the shared resume scenarios (lib/json-resume.js) speak flat JSON: used by
// flatjson/resume.test.js and by the cluster's cross-node resume test.
const assert = require('node:assert/strict');
const { JsonSocket } = require('../lib/server.js');

const keys = (o) => Object.keys(o).sort();

// What a client keeps of each logged event of one channel.
function channelEvent(m, channelId) {
  switch (m.type) {
  case 'new_message':
  case 'message_updated':
    return m.data.channelId === channelId ? { type: m.type, seq: m.seq, id: m.data.id, content: m.data.content } : null;
  case 'message_deleted':
    return m.channel_id === channelId ? { type: m.type, seq: m.seq, id: m.message_id } : null;
  case 'message_reaction':
    return m.channel_id === channelId ? { type: `reaction_${m.data.action}`, seq: m.seq, id: m.message_id, emoji: m.data.emoji } : null;
  case 'user_joined':
  case 'user_left':
    return m.channel_id === channelId ? { type: m.type, seq: m.seq, user: m.user_id } : null;
  default:
    return null;
  }
}

async function connect(server, user) {
  const s = await JsonSocket.open(`${server.wsBase}/ws?token=${user.token}`);
  await s.next('connection_established');
  return s;
}

const adapter = {
  context: async () => null,
  connect: (server, user) => connect(server, user),
  writer: (server, user) => connect(server, user),
  channelEvent,
  sendResume: (s, channelId, lastSeq) => s.send({ type: 'join_channel', channel_id: channelId, last_seq: lastSeq }),
  resumeReply: (m, channelId) => m.type === 'channel_joined' && m.channel_id === channelId,
  syncedData: (m) => {
    if (m.type !== 'channel_synced') return null;
    assert.deepEqual(keys(m), m.recovered ? ['channel_id', 'recovered', 'seq', 'timestamp', 'type']
      : ['channel_id', 'reason', 'recovered', 'seq', 'timestamp', 'type']);
    const { type, timestamp, ...data } = m;
    return data;
  },
  async joinReplySeq(s, channelId) {
    s.send({ type: 'join_channel', channel_id: channelId });
    return (await s.next((m) => m.type === 'channel_joined' && m.channel_id === channelId)).seq;
  },
};

module.exports = { adapter, connect };
