#pragma once

#include <QSortFilterProxyModel>

namespace switchboard {

// The connections table's proxy: the text filter of every table, and in a
// cluster only the rows of one node when one is chosen.
class NodeFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    NodeFilterProxy(int nodeRole, QObject *parent = nullptr);

    // Empty: every node.
    void setNode(const QString &node);
    QString node() const { return m_node; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_nodeRole;
    QString m_node;
};

} // namespace switchboard
