#include "MentionParser.h"

#include <QRegularExpression>

namespace switchboard {

QStringList MentionParser::usernames(const QString &text)
{
    // Most messages mention nobody: skip the regular expression for them.
    if (!text.contains(QLatin1Char('@'))) return {};
    static const QRegularExpression re(QStringLiteral("(?<![\\w@])@([A-Za-z0-9_][A-Za-z0-9_.\\-]{0,63})"));
    QStringList out;
    auto it = re.globalMatch(text);
    while (it.hasNext()) {
        QString name = it.next().captured(1);
        while (name.endsWith(QLatin1Char('.')) || name.endsWith(QLatin1Char('-'))) name.chop(1);
        if (!name.isEmpty() && !out.contains(name, Qt::CaseInsensitive)) out.append(name);
    }
    return out;
}

} // namespace switchboard
