#include "Migrations.h"

#include "Timestamp.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace switchboard {

int Migrations::latestVersion()
{
    return 9;
}

// Portable SQL (SQLite 3.40 and PostgreSQL 15): TEXT ids, BIGINT milliseconds.
QStringList Migrations::steps(int version, bool postgres)
{
    switch (version) {
    case 1:
        return {
            "CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT UNIQUE,"
            " display_name TEXT NOT NULL DEFAULT '', avatar_url TEXT NOT NULL DEFAULT '',"
            " password_hash TEXT NOT NULL DEFAULT '', disabled INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)",
            "CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, owner_id TEXT,"
            " is_default INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)",
            "CREATE TABLE workspace_members (workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,"
            " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, role TEXT NOT NULL DEFAULT 'member',"
            " joined_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, user_id))",
            "CREATE TABLE channels (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,"
            " name TEXT NOT NULL, type TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', created_by TEXT,"
            " created_at BIGINT NOT NULL)",
            "CREATE TABLE channel_members (channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,"
            " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, joined_at BIGINT NOT NULL,"
            " last_read_message_id TEXT, last_read_at BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (channel_id, user_id))",
            "CREATE INDEX channel_members_user ON channel_members(user_id)",
            "CREATE TABLE messages (id TEXT PRIMARY KEY, channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,"
            " user_id TEXT NOT NULL, seq BIGINT NOT NULL, content TEXT NOT NULL, thread_id TEXT, reply_to_id TEXT,"
            " forwarded_from_id TEXT, metadata TEXT, attachments TEXT, mentions TEXT, created_at BIGINT NOT NULL,"
            " edited_at BIGINT NOT NULL DEFAULT 0, deleted_at BIGINT NOT NULL DEFAULT 0,"
            " reply_count INTEGER NOT NULL DEFAULT 0, last_reply_at BIGINT NOT NULL DEFAULT 0,"
            " UNIQUE (channel_id, seq))",
            "CREATE INDEX messages_thread ON messages(thread_id)",
            "CREATE TABLE reactions (id TEXT PRIMARY KEY, message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
            " user_id TEXT NOT NULL, emoji TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (message_id, user_id, emoji))",
            "CREATE INDEX reactions_message ON reactions(message_id)",
            "CREATE TABLE attachments (id TEXT PRIMARY KEY, uploader_id TEXT NOT NULL, filename TEXT NOT NULL,"
            " original_name TEXT NOT NULL, mime_type TEXT NOT NULL, size BIGINT NOT NULL, url TEXT NOT NULL,"
            " created_at BIGINT NOT NULL)",
        };
    case 2:
        return {
            "CREATE TABLE read_receipts (message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
            " user_id TEXT NOT NULL, read_at BIGINT NOT NULL, PRIMARY KEY (message_id, user_id))",
        };
    case 3:
        // Most messages are not thread replies: a partial index skips them, one
        // B-tree insert less per message. "thread_id = ?" implies NOT NULL, so
        // both SQLite and PostgreSQL still use it for thread lookups.
        return {
            "DROP INDEX messages_thread",
            "CREATE INDEX messages_thread ON messages(thread_id) WHERE thread_id IS NOT NULL",
        };
    case 4:
        // Logged-out tokens (docs/server.md#token-revocation): SHA-256 of the token,
        // kept until the token would have expired anyway.
        return {
            "CREATE TABLE revoked_tokens (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL,"
            " expires_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL)",
            "CREATE INDEX revoked_tokens_expiry ON revoked_tokens(expires_at)",
        };
    case 5:
        // Which messages carry which uploads (the download check), instead of
        // a scan of every message's attachments JSON; filled from it once.
        return {
            "CREATE TABLE message_uploads (upload_id TEXT NOT NULL, message_id TEXT NOT NULL REFERENCES messages(id)"
            " ON DELETE CASCADE, channel_id TEXT NOT NULL, PRIMARY KEY (upload_id, message_id))",
            "CREATE INDEX message_uploads_channel ON message_uploads(channel_id)",
            postgres
                ? "INSERT INTO message_uploads (upload_id, message_id, channel_id)"
                  " SELECT e->>'id', m.id, m.channel_id FROM messages m"
                  " CROSS JOIN LATERAL json_array_elements(m.attachments::json) e"
                  " WHERE m.attachments IS NOT NULL AND m.attachments LIKE '[%'"
                  " AND EXISTS (SELECT 1 FROM attachments a WHERE a.id = e->>'id') ON CONFLICT DO NOTHING"
                : "INSERT INTO message_uploads (upload_id, message_id, channel_id)"
                  " SELECT json_extract(e.value, '$.id'), m.id, m.channel_id FROM messages m, json_each(m.attachments) e"
                  " WHERE m.attachments IS NOT NULL AND json_valid(m.attachments)"
                  " AND EXISTS (SELECT 1 FROM attachments a WHERE a.id = json_extract(e.value, '$.id'))"
                  " ON CONFLICT DO NOTHING",
        };
    case 6:
        // The per-channel event log behind resume (ChannelEventLog). Messages
        // written before it have sequence numbers but no log entries: the floor
        // starts at the channel's newest message, so a resume from before it is
        // refused rather than replayed in part.
        return {
            "ALTER TABLE channels ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE channels ADD COLUMN log_floor_seq BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE channels ADD COLUMN log_floor_gid BIGINT NOT NULL DEFAULT 0",
            "UPDATE channels SET last_seq = COALESCE((SELECT MAX(seq) FROM messages m WHERE m.channel_id = channels.id), 0)",
            "UPDATE channels SET log_floor_seq = last_seq",
            postgres
                ? "CREATE TABLE channel_events (gid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                  " channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE, seq BIGINT NOT NULL,"
                  " type TEXT NOT NULL, payload TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (channel_id, seq))"
                // AUTOINCREMENT: a gid is never reused, even after the newest rows are pruned.
                : "CREATE TABLE channel_events (gid INTEGER PRIMARY KEY AUTOINCREMENT,"
                  " channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE, seq BIGINT NOT NULL,"
                  " type TEXT NOT NULL, payload TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (channel_id, seq))",
            "CREATE INDEX channel_events_age ON channel_events(channel_id, created_at)",
            // Socket.IO connection state recovery: a session's rooms outlive the socket (and the process).
            "CREATE TABLE resume_sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, scope TEXT NOT NULL,"
            " state TEXT NOT NULL, updated_at BIGINT NOT NULL)",
            "CREATE INDEX resume_sessions_age ON resume_sessions(updated_at)",
        };
    case 7:
        // PostgreSQL checks a foreign key row by row (a query and a row lock per
        // inserted row: a third of the backend's time per logged message). The
        // channel references of messages and channel_events are checked per
        // statement instead (one COPY is one statement), with the same error
        // code and the same lock on the channel, and a channel's deletion still
        // takes its messages and events with it. SQLite keeps its foreign keys.
        if (!postgres) return {};
        return {
            "CREATE FUNCTION sb_check_channel_refs() RETURNS trigger LANGUAGE plpgsql AS $$"
            " DECLARE missing TEXT;"
            " BEGIN"
            // One query per statement (a single-row insert pays about what the foreign key
            // did); each distinct channel is locked as the foreign key's check locks it, so
            // it cannot go until this commits.
            "  SELECT a.channel_id INTO missing FROM (SELECT DISTINCT channel_id FROM added) a"
            "   WHERE NOT EXISTS (SELECT 1 FROM channels c WHERE c.id = a.channel_id FOR KEY SHARE) LIMIT 1;"
            "  IF FOUND THEN"
            "   RAISE EXCEPTION 'insert on table \"%\" violates foreign key: channel \"%\" does not exist',"
            "    TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';"
            "  END IF;"
            "  RETURN NULL;"
            " END $$",
            "CREATE FUNCTION sb_delete_channel_rows() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN"
            "  DELETE FROM messages WHERE channel_id = OLD.id;"
            "  DELETE FROM channel_events WHERE channel_id = OLD.id;"
            "  RETURN NULL;"
            " END $$",
            "ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_channel_id_fkey",
            "ALTER TABLE channel_events DROP CONSTRAINT IF EXISTS channel_events_channel_id_fkey",
            "CREATE TRIGGER messages_channel_ref AFTER INSERT ON messages REFERENCING NEW TABLE AS added"
            " FOR EACH STATEMENT EXECUTE FUNCTION sb_check_channel_refs()",
            "CREATE TRIGGER channel_events_channel_ref AFTER INSERT ON channel_events REFERENCING NEW TABLE AS added"
            " FOR EACH STATEMENT EXECUTE FUNCTION sb_check_channel_refs()",
            // A channel's id never changes (nothing updates it), so only its deletion cascades.
            "CREATE TRIGGER channels_delete_rows AFTER DELETE ON channels FOR EACH ROW"
            " EXECUTE FUNCTION sb_delete_channel_rows()",
        };
    case 8:
        // Each PostgreSQL writer's last committed transaction id (CommitMark):
        // how a COMMIT cut off by a lost connection is resolved after a crash,
        // when txid_status() may describe a reused xid. SQLite never loses one.
        if (!postgres) return {};
        return {
            "CREATE TABLE commit_marks (writer TEXT PRIMARY KEY, xid BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL)",
        };
    case 9:
        // A channel's name is unique in its workspace (case-insensitively; not
        // for conversations) in the database itself: two cluster nodes creating
        // the same name at once both pass their own directory's check, and the
        // second commit is refused here (a conflict: 409).
        return {
            "CREATE UNIQUE INDEX IF NOT EXISTS channels_workspace_name ON channels(workspace_id, lower(name)) WHERE type <> 'dm'",
        };
    }
    return {};
}

bool Migrations::apply(QSqlDatabase &db, QString *error)
{
    const bool postgres = db.driverName() == QLatin1String("QPSQL");
    QSqlQuery q(db);
    if (!q.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)")) {
        *error = q.lastError().text();
        return false;
    }
    int current = 0;
    if (q.exec("SELECT MAX(version) FROM schema_migrations") && q.next()) current = q.value(0).toInt();
    if (current > latestVersion()) {
        *error = QStringLiteral("database schema version %1 is newer than this server (%2)")
                     .arg(current)
                     .arg(latestVersion());
        return false;
    }
    for (int v = current + 1; v <= latestVersion(); ++v) {
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        const QStringList sql = steps(v, postgres);
        for (const QString &stmt : sql) {
            if (!q.exec(stmt)) {
                *error = QStringLiteral("migration %1: %2").arg(v).arg(q.lastError().text());
                db.rollback();
                return false;
            }
        }
        q.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
        q.addBindValue(v);
        q.addBindValue(Timestamp::nowMs());
        if (!q.exec() || !db.commit()) {
            *error = QStringLiteral("migration %1: %2").arg(v).arg(q.lastError().text());
            db.rollback();
            return false;
        }
    }
    return true;
}

} // namespace switchboard
