#pragma once

#include <QByteArray>
#include <QString>

namespace switchboard {

// Where a Redis server is and how to log in: redis://[user:pass@]host[:port][/db].
// The port defaults to 6379 and the database to 0; user and password are
// percent-decoded (a password with '@' or ':' is written %40 / %3A). A password
// without a user (redis://:secret@host) logs in as Redis's "default" user.
class RedisUrl
{
public:
    RedisUrl() = default;

    // An invalid RedisUrl and a message naming what is wrong when `text` is
    // not a usable URL (never throws, never guesses).
    static RedisUrl parse(const QString &text, QString *error = nullptr);

    bool isValid() const { return m_valid; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    int database() const { return m_database; }
    QByteArray user() const { return m_user; }
    QByteArray password() const { return m_password; }
    bool hasPassword() const { return m_hasPassword; }
    // The URL with the password replaced by "***", for logs and errors.
    QString toDisplayString() const;

private:
    bool m_valid = false;
    QString m_host;
    quint16 m_port = 6379;
    int m_database = 0;
    QByteArray m_user;
    QByteArray m_password;
    bool m_hasPassword = false;
};

} // namespace switchboard
