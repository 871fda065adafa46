'use strict';
// How the shared resume scenarios (lib/json-resume.js) speak workspace JSON:
// used by workspacejson/resume.test.js and by the cluster's cross-node resume test.
const assert = require('node:assert/strict');
const { keys, defaultWorkspace, connect, connectFlat } = require('./helpers.js');

// What a client keeps of each logged event of one channel.
function channelEvent(m, channelId) {
  const d = m.data;
  if (!d || d.channel_id !== channelId) return null;
  switch (m.type) {
  case 'message.new':
  case 'message.updated':
    return { type: m.type, seq: d.seq, id: d.id, content: d.content };
  case 'message.deleted':
    return { type: m.type, seq: d.seq, id: d.id };
  case 'reaction.added':
  case 'reaction.removed':
    return { type: m.type, seq: d.seq, id: d.message_id, emoji: d.emoji };
  case 'member.joined':
  case 'member.left':
    return { type: m.type, seq: d.seq, user: d.user_id };
  default:
    return null;
  }
}

const adapter = {
  context: (server, user) => defaultWorkspace(server, user.token),
  connect: (server, user, ws) => connect(server, user, ws),
  writer: (server, user) => connectFlat(server, user),
  channelEvent,
  sendResume: (s, channelId, lastSeq) => s.send({ type: 'channel.sync', data: { channel_id: channelId, last_seq: lastSeq } }),
  resumeReply: null, // no join in this dialect
  syncedData: (m) => {
    if (m.type !== 'channel.synced') return null;
    assert.deepEqual(keys(m), ['data', 'timestamp', 'type', 'workspace_id']);
    return m.data;
  },
};

module.exports = { adapter, channelEvent };
