#pragma once

#include <QHash>
#include <QObject>
#include <QString>

namespace switchboard {

// The grace a dead node's presence gets (docs/cluster.md, "A node dies"):
// nodeDown() starts the node's wait, nodeUp() cancels it, and expired() says
// the node stayed down for the whole grace since its latest nodeDown(). A wait
// belongs to one down: a node that came back and went down again gets a full
// grace from its new down, never the rest of an old wait (a Redis restart
// shows peers down and up again, and such an old wait once cut a later
// death's grace short: a user who reconnected within it went offline).
class NodeGrace : public QObject
{
    Q_OBJECT
public:
    explicit NodeGrace(QObject *parent = nullptr);

    void setGraceMs(int ms) { m_graceMs = qMax(0, ms); }
    int graceMs() const { return m_graceMs; }
    // Starts the node's grace, unless it is waiting already (from its down, which still holds).
    void nodeDown(const QString &node);
    void nodeUp(const QString &node);
    bool isWaiting(const QString &node) const { return m_waits.contains(node); }

Q_SIGNALS:
    void expired(const QString &node);

private:
    int m_graceMs = 3000;
    quint64 m_lastWait = 0;
    QHash<QString, quint64> m_waits; // node -> its current wait
};

} // namespace switchboard
