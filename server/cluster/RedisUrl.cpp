#include "RedisUrl.h"

#include <QUrl>

namespace switchboard {

namespace {

RedisUrl fail(QString *error, const QString &message)
{
    if (error) *error = QStringLiteral("redis URL: ") + message;
    return RedisUrl();
}

} // namespace

RedisUrl RedisUrl::parse(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) return fail(error, QStringLiteral("empty (expected redis://[user:pass@]host:port[/db])"));
    if (!trimmed.contains(QLatin1String("://")))
        return fail(error, QStringLiteral("scheme must be redis:// (got '%1')").arg(trimmed));
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid()) return fail(error, QStringLiteral("cannot parse '%1': %2").arg(trimmed, url.errorString()));
    if (url.scheme() != QLatin1String("redis"))
        return fail(error, QStringLiteral("scheme must be redis:// (got '%1')").arg(url.scheme()));
    if (url.host().isEmpty()) return fail(error, QStringLiteral("no host in '%1'").arg(trimmed));
    if (url.hasQuery() || url.hasFragment())
        return fail(error, QStringLiteral("no query or fragment allowed in '%1'").arg(trimmed));
    // QUrl accepts "host:" and reads it as no port; a bare colon is a typo here.
    const int authorityEnd = trimmed.indexOf(QLatin1Char('/'), int(qstrlen("redis://")));
    const QString authority = trimmed.mid(8, authorityEnd < 0 ? -1 : authorityEnd - 8);
    if (authority.endsWith(QLatin1Char(':'))) return fail(error, QStringLiteral("empty port in '%1'").arg(trimmed));
    if (url.port() == 0) return fail(error, QStringLiteral("port 0 in '%1'").arg(trimmed));

    RedisUrl result;
    result.m_host = url.host();
    result.m_port = url.port() > 0 ? quint16(url.port()) : quint16(6379);

    const QString path = url.path();
    if (!path.isEmpty() && path != QLatin1String("/")) {
        bool ok = false;
        const QString db = path.mid(1);
        const int number = db.toInt(&ok, 10);
        if (!ok || number < 0 || db.startsWith(QLatin1Char('+')))
            return fail(error, QStringLiteral("database must be a number >= 0 (got '%1')").arg(db));
        result.m_database = number;
    }
    result.m_user = url.userName(QUrl::FullyDecoded).toUtf8();
    result.m_password = url.password(QUrl::FullyDecoded).toUtf8();
    result.m_hasPassword = !result.m_password.isEmpty();
    if (!result.m_user.isEmpty() && !result.m_hasPassword)
        return fail(error, QStringLiteral("user '%1' without a password (use user:pass@)").arg(url.userName()));
    result.m_valid = true;
    if (error) error->clear();
    return result;
}

QString RedisUrl::toDisplayString() const
{
    if (!m_valid) return QStringLiteral("(invalid redis URL)");
    QString s = QStringLiteral("redis://");
    if (m_hasPassword) s += QString::fromUtf8(m_user) + QStringLiteral(":***@");
    const QString host = m_host.contains(QLatin1Char(':')) ? QLatin1Char('[') + m_host + QLatin1Char(']') : m_host;
    s += host + QLatin1Char(':') + QString::number(m_port);
    if (m_database != 0) s += QLatin1Char('/') + QString::number(m_database);
    return s;
}

} // namespace switchboard
