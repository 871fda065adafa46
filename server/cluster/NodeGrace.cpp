#include "NodeGrace.h"

#include <QTimer>

namespace switchboard {

NodeGrace::NodeGrace(QObject *parent) : QObject(parent) {}

void NodeGrace::nodeDown(const QString &node)
{
    if (m_waits.contains(node)) return;
    const quint64 wait = ++m_lastWait;
    m_waits.insert(node, wait);
    // Precise: a coarse timer of a few seconds may fire a few per cent early.
    QTimer::singleShot(m_graceMs, Qt::PreciseTimer, this, [this, node, wait] {
        if (m_waits.value(node) != wait) return; // back meanwhile: a later down has a wait of its own
        m_waits.remove(node);
        Q_EMIT expired(node);
    });
}

void NodeGrace::nodeUp(const QString &node)
{
    m_waits.remove(node);
}

} // namespace switchboard
