#pragma once

#include <QStringList>

namespace switchboard {

// Finds @username mentions in message text. Usernames are letters, digits,
// '_', '.', '-'; a trailing '.' or '-' is punctuation, not part of the name.
class MentionParser
{
public:
    static QStringList usernames(const QString &text);
};

} // namespace switchboard
