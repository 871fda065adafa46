#pragma once

#include <QObject>
#include <QPointer>

namespace switchboard {

// Remembers the object that asked for a command. A commit lands a pass or more
// later; by then the client may be gone (and its session freed), so every
// answer asks alive() first. Without a context (nullptr) the caller is alive
// as long as the service is.
class ContextGuard
{
public:
    explicit ContextGuard(QObject *context = nullptr) : m_context(context), m_bound(context != nullptr) {}
    bool alive() const { return !m_bound || !m_context.isNull(); }

private:
    QPointer<QObject> m_context;
    bool m_bound;
};

} // namespace switchboard
