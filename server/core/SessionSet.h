#pragma once

// Complete, not forward-declared: with Session incomplete here and complete
// elsewhere, QSet<Session *> lookups missed members that insert() had added
// (tst_roommanager found it), so every user of this class sees the same type.
#include "Session.h"

#include <QList>
#include <QSet>

namespace switchboard {

// A set of sessions that is almost always tiny (a user's own topic, a user's
// connections) and sometimes large (a busy room). The smallest QSet that holds
// anything allocates about 550 bytes, a tenth of an idle connection's memory,
// so up to two members live inline and a QSet takes over beyond that.
class SessionSet
{
public:
    // False if it was there already.
    bool insert(Session *s);
    // False if it was not there.
    bool remove(Session *s);
    bool contains(Session *s) const;
    qsizetype size() const { return m_large.isEmpty() ? m_count : m_large.size(); }
    bool isEmpty() const { return size() == 0; }
    QList<Session *> values() const;

    template <typename F>
    void forEach(F f) const
    {
        if (!m_large.isEmpty()) {
            for (Session *s : m_large) f(s);
            return;
        }
        for (int i = 0; i < m_count; ++i) f(m_inline[i]);
    }

private:
    static constexpr int kInline = 2;
    Session *m_inline[kInline] = {nullptr, nullptr};
    int m_count = 0;         // members in m_inline (while m_large is empty)
    QSet<Session *> m_large; // all members once there were more than kInline
};

} // namespace switchboard
