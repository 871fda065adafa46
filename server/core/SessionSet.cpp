#include "SessionSet.h"

namespace switchboard {

bool SessionSet::insert(Session *s)
{
    if (!m_large.isEmpty()) {
        if (m_large.contains(s)) return false;
        m_large.insert(s);
        return true;
    }
    for (int i = 0; i < m_count; ++i)
        if (m_inline[i] == s) return false;
    if (m_count < kInline) {
        m_inline[m_count++] = s;
        return true;
    }
    for (int i = 0; i < m_count; ++i) m_large.insert(m_inline[i]);
    m_large.insert(s);
    m_count = 0;
    return true;
}

bool SessionSet::remove(Session *s)
{
    if (!m_large.isEmpty()) {
        if (!m_large.remove(s)) return false;
        if (m_large.isEmpty()) m_large = QSet<Session *>(); // give its storage back
        return true;
    }
    for (int i = 0; i < m_count; ++i) {
        if (m_inline[i] != s) continue;
        m_inline[i] = m_inline[--m_count];
        m_inline[m_count] = nullptr;
        return true;
    }
    return false;
}

bool SessionSet::contains(Session *s) const
{
    if (!m_large.isEmpty()) return m_large.contains(s);
    for (int i = 0; i < m_count; ++i)
        if (m_inline[i] == s) return true;
    return false;
}

QList<Session *> SessionSet::values() const
{
    if (!m_large.isEmpty()) return m_large.values();
    return QList<Session *>(m_inline, m_inline + m_count);
}

} // namespace switchboard
