#include "SessionTag.h"

namespace switchboard {

namespace {

bool isTagChar(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
        || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-') || c == QLatin1Char('_');
}

} // namespace

QString SessionTag::fromNodeId(const QString &nodeId)
{
    // Only characters that need no escaping in a query string, an HAProxy
    // server name or a regular expression: the balancer matches them verbatim.
    QString tag = nodeId.left(kMaxLength);
    for (QChar &c : tag)
        if (!isTagChar(c)) c = QLatin1Char('-');
    return tag;
}

QString SessionTag::prefix(const QString &tag)
{
    // '.' is outside base64url, so the random part never contains it and the
    // tag ends at the first one.
    return tag.isEmpty() ? QString() : tag + QLatin1Char('.');
}

QString SessionTag::of(const QString &id)
{
    const qsizetype dot = id.indexOf(QLatin1Char('.'));
    return dot <= 0 ? QString() : id.left(dot);
}

} // namespace switchboard
