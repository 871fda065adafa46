#include "AdminProtocol.h"
#include "NodeModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace switchboard;

// The console's Nodes table and the node list's wire form.
class tst_NodeModel : public QObject
{
    Q_OBJECT

    static NodeInfo node(const QString &id, qint64 connections, bool live = true, bool self = false)
    {
        NodeInfo n;
        n.id = id;
        n.listen = QStringLiteral("http://127.0.0.1:80") + id.right(1);
        n.started = 1700000000000;
        n.connections = connections;
        n.live = live;
        n.self = self;
        n.downSince = live ? 0 : 1700000100000;
        return n;
    }

private Q_SLOTS:
    void listFillsRows()
    {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({node("node1", 5, true, true), node("node2", 7), node("node3", 0, false)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.selfId(), QStringLiteral("node1"));
        QCOMPARE(model.liveCount(), 2);
        QCOMPARE(model.index(1, NodeModel::Connections).data().toLongLong(), 7);
        QCOMPARE(model.index(1, NodeModel::Listen).data().toString(), QStringLiteral("http://127.0.0.1:802"));
        QCOMPARE(model.index(0, NodeModel::Health).data().toString(), QStringLiteral("live (this console)"));
        QCOMPARE(model.index(1, NodeModel::Health).data().toString(), QStringLiteral("live"));
        QVERIFY(model.index(2, NodeModel::Health).data().toString().startsWith(QStringLiteral("down since ")));
        QCOMPARE(model.index(2, NodeModel::Id).data(NodeModel::LiveRole).toBool(), false);
        QCOMPARE(model.index(2, NodeModel::Health).data(NodeModel::IdRole).toString(), QStringLiteral("node3"));
    }

    void sameIdsChangeCellsInPlace()
    {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({node("node1", 5, true, true), node("node2", 7)});
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.reset({node("node1", 5, true, true), node("node2", 0, false)});
        QCOMPARE(reset.count(), 0); // a selection on node2 survives it going down
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 1);
        QVERIFY(!model.at(1).live);
        // A node that appears: the list is new.
        model.reset({node("node1", 5, true, true), node("node2", 0, false), node("node3", 1)});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowOf("node3"), 2);
        // Duplicates and rows without an id are dropped.
        model.reset({node("node1", 1), node("node1", 2), NodeInfo()});
        QCOMPARE(model.rowCount(), 1);
    }

    void nodeListRoundTripsInSnapshotAndDelta()
    {
        const QList<NodeInfo> nodes{node("node1", 5, true, true), node("node2", 0, false)};
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeSnapshot({}, {}, ServerStats(), TrafficFilter(),
                                                                    QStringLiteral("s"), &nodes),
                                      &m));
        QVERIFY(m.hasNodes);
        QCOMPARE(m.nodes, nodes);
        // A delta carries the list only when it changed.
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeDelta({}, {}, {}, {}, nullptr), &m));
        QVERIFY(!m.hasNodes);
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeDelta({}, {}, {}, {}, nullptr, &nodes), &m));
        QVERIFY(m.hasNodes);
        QCOMPARE(m.nodes.at(1).downSince, qint64(1700000100000));
        QCOMPARE(m.nodes.at(1).live, false);
        // Without a cluster there is no list at all (not an empty one).
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeSnapshot({}, {}, ServerStats(), TrafficFilter(),
                                                                    QStringLiteral("s")),
                                      &m));
        QVERIFY(!m.hasNodes);
        // A malformed element fails the message.
        QString code;
        QVERIFY(!AdminProtocol::decode(R"({"type":"delta","nodes":[{"listen":"x"}]})", &m, &code));
        QCOMPARE(code, QLatin1String(AdminProtocol::ErrorBadRequest));
    }

    void clusterCommandsRoundTrip()
    {
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeCommand(
                                          AdminCommand::disconnect("c1", "bye", QStringLiteral("node2"))),
                                      &m));
        QCOMPARE(m.command.kind, AdminCommand::Kind::Disconnect);
        QCOMPARE(m.command.node, QStringLiteral("node2"));
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeCommand(AdminCommand::disconnectUser("u1", "out")), &m));
        QCOMPARE(m.command.kind, AdminCommand::Kind::DisconnectUser);
        QCOMPARE(m.command.userId, QStringLiteral("u1"));
        QCOMPARE(m.command.text, QStringLiteral("out"));
        QString code, message;
        AdminCommand c;
        QVERIFY(!AdminProtocol::decodeCommand(R"({"type":"command","id":"1","command":"disconnect_user"})", &c, &code,
                                              &message));
        QCOMPARE(code, QLatin1String(AdminProtocol::ErrorBadRequest));
        QVERIFY(!AdminProtocol::
                    decodeCommand(R"({"type":"command","id":"1","command":"disconnect","connection_id":"c","node":7})",
                                  &c, &code, &message));
        QCOMPARE(code, QLatin1String(AdminProtocol::ErrorBadRequest));
    }
};

QTEST_GUILESS_MAIN(tst_NodeModel)
#include "tst_nodemodel.moc"
