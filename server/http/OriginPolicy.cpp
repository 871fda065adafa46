#include "OriginPolicy.h"

#include <QUrl>

namespace switchboard {

namespace {

// "host:port" with the scheme's default port filled in; empty if unparsable.
QString authority(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty()) return QString();
    const int defaultPort = url.scheme() == QLatin1String("https") ? 443 : 80;
    return url.host().toLower() + QLatin1Char(':') + QString::number(url.port(defaultPort));
}

QString normalized(const QString &origin)
{
    QString o = origin.trimmed().toLower();
    while (o.endsWith(QLatin1Char('/'))) o.chop(1);
    return o;
}

} // namespace

OriginPolicy::OriginPolicy() : m_list(std::make_shared<List>()) {}

OriginPolicy::OriginPolicy(const QStringList &allowed) : OriginPolicy()
{
    reset(allowed);
}

void OriginPolicy::reset(const QStringList &allowed) const
{
    List next;
    for (const QString &entry : allowed) {
        const QString o = normalized(entry);
        if (o == QLatin1String("*"))
            next.any = true;
        else if (!o.isEmpty())
            next.allowed.append(o);
    }
    *m_list = next;
}

bool OriginPolicy::allows(const QByteArray &origin, const QByteArray &host) const
{
    if (origin.isEmpty()) return false;
    const QString o = normalized(QString::fromUtf8(origin));
    if (o == QLatin1String("null")) return false; // sandboxed frames, file: pages
    if (m_list->any || m_list->allowed.contains(o)) return true;
    // Same origin: the page was served by whatever name the client used to reach us.
    const QUrl from(o);
    const QUrl to(from.scheme() + QLatin1String("://") + QString::fromUtf8(host).trimmed());
    const QString a = authority(from);
    return !a.isEmpty() && !host.isEmpty() && a == authority(to);
}

QByteArray OriginPolicy::allowOrigin(const QByteArray &origin, const QByteArray &host) const
{
    return allows(origin, host) ? origin : QByteArray();
}

bool OriginPolicy::refusesCookie(const QByteArray &origin, const QByteArray &host, const QByteArray &cookieHeader) const
{
    return !origin.isEmpty() && carriesTokenCookie(cookieHeader) && !allows(origin, host);
}

bool OriginPolicy::carriesTokenCookie(const QByteArray &cookieHeader)
{
    for (const QByteArray &part : cookieHeader.split(';'))
        if (part.trimmed().startsWith("token=")) return true;
    return false;
}

QString OriginPolicy::invalidEntry(const QStringList &allowed)
{
    for (const QString &entry : allowed) {
        const QString o = normalized(entry);
        if (o == QLatin1String("*")) continue;
        const QUrl url(o, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || !url.path().isEmpty() || url.hasQuery() || url.hasFragment()
            || !url.userInfo().isEmpty()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return entry.trimmed();
    }
    return QString();
}

} // namespace switchboard
