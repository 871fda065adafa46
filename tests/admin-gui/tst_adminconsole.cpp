#include "ActionDialog.h"
#include "AdminClient.h"
#include "ChannelModel.h"
#include "ChannelsPage.h"
#include "ConnectDialog.h"
#include "ConnectionModel.h"
#include "ConnectionsPage.h"
#include "ConsoleTestHelpers.h"
#include "DetailsPane.h"
#include "FakeFeedServer.h"
#include "Icons.h"
#include "MainWindow.h"
#include "NodeModel.h"
#include "NodesPage.h"
#include "OverviewPage.h"
#include "RateChart.h"
#include "TinySvgIconEngine.h"
#include "TrafficFilterProxy.h"
#include "TrafficModel.h"
#include "TrafficPage.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QTabWidget>
#include <QSet>
#include <QSignalSpy>
#include <QFile>
#include <QJsonDocument>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QXmlStreamReader>

using namespace switchboard;

// The console against a fake feed: what the tables show, what the actions
// send, how the link behaves. The same console against the real server is
// tst_adminconsole_e2e.
class tst_AdminConsole : public QObject
{
    Q_OBJECT

    static constexpr const char *token = "s3cret-admin";

    static ConnectionInfo conn(const QString &id, const QString &user, const QString &dialect,
                               const QStringList &channels)
    {
        ConnectionInfo c;
        c.id = id;
        c.userId = QStringLiteral("uid-") + user;
        c.userName = user;
        c.dialect = dialect;
        c.transport = QStringLiteral("websocket");
        c.remoteAddress = QStringLiteral("127.0.0.1:40000");
        c.userAgent = QStringLiteral("test-agent/1.0");
        c.connectedAt = QDateTime::currentMSecsSinceEpoch() - 60000;
        c.channels = channels;
        return c;
    }
    static ChannelInfo chan(const QString &id, const QString &name)
    {
        ChannelInfo c;
        c.id = id;
        c.name = name;
        c.workspaceId = QStringLiteral("ws-1");
        c.workspaceName = QStringLiteral("Default");
        c.type = QStringLiteral("public");
        c.members = 3;
        c.onlineMembers = 2;
        return c;
    }
    static ServerStats stats(double inRate)
    {
        ServerStats s;
        s.time = QDateTime::currentMSecsSinceEpoch();
        s.startedAt = s.time - 3600 * 1000;
        s.connectionsByDialect = {{QStringLiteral("flatjson"), 1}, {QStringLiteral("phoenix"), 1}};
        s.channels = 2;
        s.messagesIn = 10;
        s.deliveriesOut = 20;
        s.messagesInPerSec = inRate;
        s.deliveriesOutPerSec = inRate * 2;
        return s;
    }
    static TrafficEvent event(qint64 seq, const QString &user, const QString &dialect, const QString &name)
    {
        TrafficEvent e;
        e.seq = seq;
        e.time = QDateTime::currentMSecsSinceEpoch();
        e.connectionId = QStringLiteral("c-") + user;
        e.userId = QStringLiteral("uid-") + user;
        e.userName = user;
        e.dialect = dialect;
        e.event = name;
        e.channelId = QStringLiteral("ch-general");
        e.channelName = QStringLiteral("general");
        e.size = 42;
        e.payload = QStringLiteral("{\"text\":\"hello, \\\"world\\\"\"}");
        return e;
    }

    std::unique_ptr<FakeFeedServer> m_server;
    std::unique_ptr<MainWindow> m_window;

    void openConsole()
    {
        m_server = std::make_unique<FakeFeedServer>(QLatin1String(token));
        m_server->setSnapshot({conn("c-alice", "alice", "flatjson", {"ch-general"}),
                               conn("c-bob", "bob", "phoenix", {"ch-general", "ch-random"})},
                              {chan("ch-general", "general"), chan("ch-random", "random")}, stats(1));
        m_window = std::make_unique<MainWindow>();
        m_window->client()->setReconnectDelays(50, 200);
        m_window->show();
        m_window->openFeed(m_server->url(), QLatin1String(token));
        QTRY_COMPARE(m_window->client()->state(), AdminClient::LinkState::Connected);
    }

    // Barriers instead of qWait() before checking that nothing was sent or
    // shown. Console to server: a marker command sent now arrives after
    // anything the console sent before it (one WebSocket, in order).
    bool commandsSoFarArrived()
    {
        const QString marker = QStringLiteral("c-barrier-%1").arg(++m_barriers);
        m_window->client()->send(AdminCommand::disconnect(marker, QString()));
        return QTest::qWaitFor(
            [&] {
            for (const AdminCommand &c : m_server->commandsOf(AdminCommand::Kind::Disconnect)) {
                if (c.connectionId == marker) return true;
            }
            return false;
            },
            5000);
    }
    // Server to console: an audit entry broadcast now is applied after
    // anything broadcast before it.
    bool feedSoFarApplied()
    {
        QSignalSpy audits(m_window->client(), &AdminClient::auditReceived);
        const QString marker = QStringLiteral("barrier-%1").arg(++m_barriers);
        m_server->broadcast(AdminProtocol::encodeAudit(AdminResult::success(QString(), marker, QString())));
        return QTest::qWaitFor(
            [&] {
            for (const QList<QVariant> &args : std::as_const(audits)) {
                if (args.at(0).value<AdminResult>().command == marker) return true;
            }
            return false;
            },
            5000);
    }
    int m_barriers = 0;

private Q_SLOTS:
    void init() { QSettings().clear(); }
    void cleanup()
    {
        m_window.reset();
        m_server.reset();
    }

    void snapshotFillsTheTablesAndTheStatusBarSaysConnected()
    {
        openConsole();
        QCOMPARE(m_window->connectionsPage()->view()->model()->rowCount(), 2);
        QCOMPARE(m_window->channelsPage()->view()->model()->rowCount(), 2);
        QVERIFY(m_window->linkText().contains(QStringLiteral("Connected to ws://127.0.0.1")));
        QVERIFY(m_window->linkText().contains(QStringLiteral("fake/1")));
        QCOMPARE(m_window->overviewPage()->counterText(QStringLiteral("connections")), QStringLiteral("2"));
    }

    void aSnapshotInPartsReplacesTheTablesOnceWholeAndDeltasApplyAfterIt()
    {
        openConsole();
        AdminClient *client = m_window->client();
        QSignalSpy applied(client, &AdminClient::snapshotApplied);
        QList<ConnectionInfo> all;
        for (int i = 0; i < 1200; ++i)
            all.append(
                conn(QStringLiteral("c-%1").arg(i), QStringLiteral("u%1").arg(i % 7), "flatjson", {"ch-general"}));
        const ServerStats s = stats(3);
        // Three parts of 500; the console shows nothing of them before the last.
        m_server->broadcast(AdminProtocol::encodeSnapshotPart(0, false, all.mid(0, 500),
                                                              {chan("ch-general", "general")}, nullptr, TrafficFilter(),
                                                              QStringLiteral("fake/1")));
        m_server->broadcast(AdminProtocol::encodeSnapshotPart(1, false, all.mid(500, 500), {}, nullptr, TrafficFilter(),
                                                              QStringLiteral("fake/1")));
        QVERIFY(feedSoFarApplied());
        QCOMPARE(client->connections()->rowCount(), 2);
        QCOMPARE(applied.count(), 0);
        m_server->broadcast(AdminProtocol::encodeSnapshotPart(2, true, all.mid(1000), {chan("ch-random", "random")}, &s,
                                                              TrafficFilter(), QStringLiteral("fake/1")));
        // The server holds deltas back until the last part: one opened, one closed.
        m_server->broadcast(AdminProtocol::encodeDelta({conn("c-new", "newbie", "phoenix", {})},
                                                       {QStringLiteral("c-17")}, {}, {}, nullptr));
        QVERIFY(feedSoFarApplied());
        QCOMPARE(applied.count(), 1);
        QSet<QString> shown;
        for (int row = 0; row < client->connections()->rowCount(); ++row)
            shown.insert(client->connections()->at(row).id);
        QSet<QString> expected;
        for (const ConnectionInfo &c : all) expected.insert(c.id);
        expected.remove(QStringLiteral("c-17"));
        expected.insert(QStringLiteral("c-new"));
        QCOMPARE(shown, expected);
        QCOMPARE(client->channels()->rowCount(), 2);
    }

    void aSnapshotPartOutOfOrderIsNotApplied()
    {
        openConsole();
        AdminClient *client = m_window->client();
        m_server->broadcast(AdminProtocol::encodeSnapshotPart(1, true, {conn("c-x", "x", "flatjson", {})}, {}, nullptr,
                                                              TrafficFilter(), QStringLiteral("fake/1")));
        QVERIFY(feedSoFarApplied());
        QCOMPARE(client->connections()->rowCount(), 2);
    }

    void detailsPaneFollowsSelectionAndLiveDeltas()
    {
        openConsole();
        ConnectionsPage *page = m_window->connectionsPage();
        QVERIFY(page->selectConnection(QStringLiteral("c-bob")));
        QCOMPARE(page->details()->value(QStringLiteral("Connection")), QStringLiteral("c-bob"));
        QCOMPARE(page->details()->value(QStringLiteral("Channels")), QStringLiteral("#general, #random"));
        QCOMPARE(page->details()->value(QStringLiteral("User agent")), QStringLiteral("test-agent/1.0"));

        ConnectionInfo bob = conn("c-bob", "bob", "phoenix", {"ch-general"});
        bob.messagesIn = 77;
        m_server->broadcast(
            AdminProtocol::encodeDelta({bob, conn("c-carol", "carol", "socketio", {})}, {"c-alice"}, {}, {}, nullptr));
        QTRY_COMPARE(page->details()->value(QStringLiteral("Messages in / out")), QStringLiteral("77 / 0"));
        QCOMPARE(page->details()->value(QStringLiteral("Channels")), QStringLiteral("#general"));
        QCOMPARE(page->view()->model()->rowCount(), 2);
        QCOMPARE(m_window->client()->connections()->rowOf(QStringLiteral("c-alice")), -1);
        QCOMPARE(page->selectedId(), QStringLiteral("c-bob")); // the selection survived the update
    }

    void tablesSortNumericallyAndFilter()
    {
        openConsole();
        ConnectionInfo a = conn("c-alice", "alice", "flatjson", {});
        a.bytesOut = 900;
        ConnectionInfo b = conn("c-bob", "bob", "phoenix", {});
        b.bytesOut = 5000;
        m_server->broadcast(AdminProtocol::encodeDelta({a, b}, {}, {}, {}, nullptr));
        QTableView *view = m_window->connectionsPage()->view();
        QTRY_COMPARE(m_window->client()->connections()->connection("c-bob").bytesOut, 5000);
        view->sortByColumn(ConnectionModel::BytesOut, Qt::DescendingOrder);
        QCOMPARE(view->model()->index(0, ConnectionModel::Id).data().toString(), QStringLiteral("c-bob"));
        view->sortByColumn(ConnectionModel::BytesOut, Qt::AscendingOrder);
        QCOMPARE(view->model()->index(0, ConnectionModel::Id).data().toString(), QStringLiteral("c-alice"));
        m_window->connectionsPage()->filterEdit()->setText(QStringLiteral("PHOEN"));
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(view->model()->index(0, ConnectionModel::Id).data().toString(), QStringLiteral("c-bob"));

        m_window->channelsPage()->filterEdit()->setText(QStringLiteral("rand"));
        QCOMPARE(m_window->channelsPage()->view()->model()->rowCount(), 1);
    }

    void trafficAppearsAndLocalFiltersNarrowItAtOnce()
    {
        openConsole();
        m_server->broadcast(AdminProtocol::encodeTraffic({event(1, "alice", "flatjson", "message"),
                                                          event(2, "bob", "phoenix", "new_msg"),
                                                          event(3, "alice", "flatjson", "typing")},
                                                         5));
        TrafficPage *page = m_window->trafficPage();
        QTRY_COMPARE(page->view()->model()->rowCount(), 3);
        QCOMPARE(m_window->client()->trafficDropped(), 5);
        page->setUserFilter(QStringLiteral("ali"));
        QCOMPARE(page->view()->model()->rowCount(), 2);
        page->setDialectFilter(QStringLiteral("flatjson"));
        page->setEventFilter(QStringLiteral("typ"));
        QCOMPARE(page->view()->model()->rowCount(), 1);
        QCOMPARE(page->view()->model()->index(0, TrafficModel::Event).data().toString(), QStringLiteral("typing"));
        page->setChannelFilter(QStringLiteral("random"));
        QCOMPARE(page->view()->model()->rowCount(), 0);
    }

    void trafficFiltersAreSentToTheServerOnceTypingStops()
    {
        openConsole();
        TrafficPage *page = m_window->trafficPage();
        page->setUserFilter(QStringLiteral("b"));
        page->setUserFilter(QStringLiteral("bo"));
        page->setUserFilter(QStringLiteral("bob"));
        page->setDialectFilter(QStringLiteral("phoenix"));
        page->setMaxRate(50);
        QTRY_VERIFY(!m_server->commandsOf(AdminCommand::Kind::SetTrafficFilter).isEmpty());
        QVERIFY(commandsSoFarArrived());
        const auto sent = m_server->commandsOf(AdminCommand::Kind::SetTrafficFilter);
        QCOMPARE(sent.size(), 1); // debounced: one command, not one per keystroke
        QCOMPARE(sent.last().filter.user, QStringLiteral("bob"));
        QCOMPARE(sent.last().filter.dialects, QStringList{QStringLiteral("phoenix")});
        QCOMPARE(sent.last().filter.maxRate, 50);
        QVERIFY(sent.last().filter.enabled);
    }

    void pauseStopsTheServerSendingAndResumeStartsItAgain()
    {
        openConsole();
        TrafficPage *page = m_window->trafficPage();
        page->findChild<QToolButton *>(QStringLiteral("pauseButton"))->click();
        QVERIFY(page->isPaused());
        QTRY_VERIFY(!m_server->commandsOf(AdminCommand::Kind::SetTrafficFilter).isEmpty());
        QVERIFY(!m_server->commandsOf(AdminCommand::Kind::SetTrafficFilter).last().filter.enabled);
        // Whatever was already on the way is not shown while paused.
        m_server->broadcast(AdminProtocol::encodeTraffic({event(1, "alice", "flatjson", "message")}, 0));
        QVERIFY(feedSoFarApplied());
        QCOMPARE(m_window->client()->traffic()->rowCount(), 0);
        page->findChild<QToolButton *>(QStringLiteral("pauseButton"))->click();
        QTRY_VERIFY(m_server->commandsOf(AdminCommand::Kind::SetTrafficFilter).last().filter.enabled);
        m_server->broadcast(AdminProtocol::encodeTraffic({event(2, "alice", "flatjson", "message")}, 0));
        QTRY_COMPARE(m_window->client()->traffic()->rowCount(), 1);
    }

    void historyLimitBoundsTheTrafficView()
    {
        openConsole();
        m_window->trafficPage()->setHistoryLimit(100);
        QList<TrafficEvent> batch;
        for (int i = 0; i < 250; ++i) batch.append(event(i, "alice", "flatjson", "message"));
        m_server->broadcast(AdminProtocol::encodeTraffic(batch, 0));
        QTRY_COMPARE(m_window->client()->traffic()->evicted(), 150);
        QCOMPARE(m_window->trafficPage()->view()->model()->rowCount(), 100);
        QCOMPARE(m_window->client()->traffic()->at(0).seq, 150);
    }

    void exportWritesWhatTheViewShows()
    {
        openConsole();
        m_server->broadcast(AdminProtocol::encodeTraffic({event(1, "alice", "flatjson", "message"),
                                                          event(2, "bob", "phoenix", "new_msg")},
                                                         0));
        QTRY_COMPARE(m_window->client()->traffic()->rowCount(), 2);
        m_window->trafficPage()->setUserFilter(QStringLiteral("bob"));
        QTemporaryDir dir;
        QString error;
        const QString jsonl = dir.filePath(QStringLiteral("t.jsonl"));
        QVERIFY2(m_window->trafficPage()->exportTo(jsonl, &error), qPrintable(error));
        QFile f(jsonl);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        TrafficEvent back;
        QVERIFY(TrafficEvent::fromJson(QJsonDocument::fromJson(lines.first()).object(), &back));
        QCOMPARE(back.userName, QStringLiteral("bob"));

        m_window->trafficPage()->setUserFilter(QString());
        const QString csv = dir.filePath(QStringLiteral("t.csv"));
        QVERIFY(m_window->trafficPage()->exportTo(csv, &error));
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        const QByteArray text = c.readAll();
        QVERIFY(text.startsWith("seq,time,connection_id"));
        QCOMPARE(text.count('\n'), 3);
        // The payload has commas and quotes: quoted and doubled.
        QVERIFY(text.contains("\"{\"\"text\"\":\"\"hello, \\\"\"world\\\"\"\"\"}\""));
        QVERIFY(!m_window->trafficPage()->exportTo(dir.filePath(QStringLiteral("no/such/dir/x.csv")), &error));
        QVERIFY(!error.isEmpty());
    }

    void disconnectFromTheContextMenuAsksThenSendsTheRightId()
    {
        openConsole();
        QScopedPointer<QMenu> menu(
            m_window->connectionsPage()->contextMenuFor(QStringLiteral("c-bob"), m_window.get()));
        auto *action = menu->findChild<QAction *>(QStringLiteral("disconnectAction"));
        QVERIFY(action);
        QString question;
        answerNextActionDialog(
            true, [](ActionDialog *d) { d->setText(QStringLiteral("flooding")); }, &question);
        action->trigger();
        QVERIFY(question.contains(QStringLiteral("c-bob")));
        QTRY_COMPARE(m_server->commandsOf(AdminCommand::Kind::Disconnect).size(), 1);
        const AdminCommand sent = m_server->commandsOf(AdminCommand::Kind::Disconnect).first();
        QCOMPARE(sent.connectionId, QStringLiteral("c-bob"));
        QCOMPARE(sent.text, QStringLiteral("flooding"));
        // The audit entry from the feed lands in the admin log.
        QTRY_VERIFY(
            !m_window->adminLog()->findItems(QStringLiteral("disconnect by 127.0.0.1:1"), Qt::MatchContains).isEmpty());
    }

    // A cluster: the feed's node list fills the Nodes tab; its action closes a
    // connection another node holds (the command names the node), a node that
    // went down stays listed as down, and the connections tab offers closing
    // a user's sessions on every node.
    void nodesTabShowsTheClusterAndActsOnOtherNodes()
    {
        openConsole();
        NodesPage *page = m_window->nodesPage();
        QVERIFY(page->summary()->text().contains(QStringLiteral("not in a cluster")));
        auto node = [](const QString &id, qint64 connections, bool self = false) {
            NodeInfo n;
            n.id = id;
            n.listen = QStringLiteral("http://127.0.0.1:7000");
            n.started = QDateTime::currentMSecsSinceEpoch() - 60000;
            n.connections = connections;
            n.self = self;
            return n;
        };
        QList<NodeInfo> nodes{node("node1", 2, true), node("node2", 5), node("node3", 1)};
        m_server->broadcast(AdminProtocol::encodeDelta({}, {}, {}, {}, nullptr, &nodes));
        QTRY_COMPARE(page->view()->model()->rowCount(), 3);
        QVERIFY2(page->summary()->text().contains(QStringLiteral("3 of 3 node(s) live, 8 connection(s)")),
                 qPrintable(page->summary()->text()));
        QVERIFY(page->summary()->text().contains(QStringLiteral("attached to node1")));
        QCOMPARE(page->view()->model()->index(1, NodeModel::Connections).data().toInt(), 5);

        // This console's own node has its connections on their own tab.
        QVERIFY(page->selectNode(QStringLiteral("node1")));
        QVERIFY(!page->disconnectButton()->isEnabled());
        QVERIFY(page->selectNode(QStringLiteral("node2")));
        QVERIFY(page->disconnectButton()->isEnabled());
        QString question;
        answerNextActionDialog(
            true, [](ActionDialog *d) { d->setText(QStringLiteral("c-remote")); }, &question);
        page->disconnectButton()->click();
        QVERIFY(question.contains(QStringLiteral("node2")));
        QTRY_COMPARE(m_server->commandsOf(AdminCommand::Kind::Disconnect).size(), 1);
        const AdminCommand sent = m_server->commandsOf(AdminCommand::Kind::Disconnect).first();
        QCOMPARE(sent.connectionId, QStringLiteral("c-remote"));
        QCOMPARE(sent.node, QStringLiteral("node2"));

        nodes[2].live = false;
        nodes[2].downSince = QDateTime::currentMSecsSinceEpoch();
        m_server->broadcast(AdminProtocol::encodeDelta({}, {}, {}, {}, nullptr, &nodes));
        QTRY_VERIFY(page->view()
                        ->model()
                        ->index(2, NodeModel::Health)
                        .data()
                        .toString()
                        .startsWith(QStringLiteral("down since")));
        QVERIFY(page->summary()->text().contains(QStringLiteral("2 of 3 node(s) live")));
        QVERIFY(page->selectNode(QStringLiteral("node3")));
        QVERIFY(!page->disconnectButton()->isEnabled());

        QScopedPointer<QMenu> menu(
            m_window->connectionsPage()->contextMenuFor(QStringLiteral("c-bob"), m_window.get()));
        auto *everywhere = menu->findChild<QAction *>(QStringLiteral("disconnectUserEverywhereAction"));
        QVERIFY(everywhere);
        answerNextActionDialog(true, [](ActionDialog *d) { d->setText(QStringLiteral("spam")); });
        everywhere->trigger();
        QTRY_COMPARE(m_server->commandsOf(AdminCommand::Kind::DisconnectUser).size(), 1);
        QCOMPARE(m_server->commandsOf(AdminCommand::Kind::DisconnectUser).first().userId, QStringLiteral("uid-bob"));
        QCOMPARE(m_server->commandsOf(AdminCommand::Kind::DisconnectUser).first().text, QStringLiteral("spam"));
    }

    // A cluster's feed lists every node's connections, each with its node:
    // the Node column and the node filter appear (not on a single server),
    // the filter narrows the table together with the text filter, the Nodes
    // tab leads to one node's connections, and disconnecting a row held by
    // another node names that node in the question and in the command.
    void connectionsTabShowsTheNodeOfEachRowAndFiltersByNode()
    {
        openConsole();
        ConnectionsPage *page = m_window->connectionsPage();
        QTableView *view = page->view();
        QVERIFY(view->isColumnHidden(ConnectionModel::Node));
        QVERIFY(page->nodeFilter()->isHidden());
        QCOMPARE(view->model()->headerData(ConnectionModel::Node, Qt::Horizontal).toString(), QStringLiteral("Node"));

        auto node = [](const QString &id, bool self = false, bool reachable = true) {
            NodeInfo n;
            n.id = id;
            n.listen = QStringLiteral("http://127.0.0.1:7000");
            n.self = self;
            n.reachable = reachable;
            return n;
        };
        const QList<NodeInfo> nodes{node("node1", true), node("node2"), node("node3", false, false)};
        auto on = [](ConnectionInfo c, const QString &n) {
            c.node = n;
            return c;
        };
        const QList<ConnectionInfo> rows{on(conn("c-alice", "alice", "flatjson", {}), "node1"),
                                         on(conn("c-bob", "bob", "phoenix", {}), "node1"),
                                         on(conn("c-carol", "carol", "socketio-chat", {}), "node2"),
                                         on(conn("c-dave", "dave", "phoenix", {}), "node3")};
        m_server->broadcast(AdminProtocol::encodeDelta(rows, {}, {}, {}, nullptr, &nodes));
        QTRY_COMPARE(view->model()->rowCount(), 4);
        QTRY_VERIFY(!view->isColumnHidden(ConnectionModel::Node));
        QVERIFY(!page->nodeFilter()->isHidden());
        // Right after the user, whatever its place in the model.
        QCOMPARE(view->horizontalHeader()->visualIndex(ConnectionModel::Node),
                 view->horizontalHeader()->visualIndex(ConnectionModel::User) + 1);
        QStringList choices;
        for (int i = 0; i < page->nodeFilter()->count(); ++i) choices << page->nodeFilter()->itemData(i).toString();
        QCOMPARE(choices, QStringList({QString(), "node1", "node2", "node3"}));
        QVERIFY(page->selectConnection(QStringLiteral("c-carol")));
        QCOMPARE(view->model()->index(view->currentIndex().row(), ConnectionModel::Node).data().toString(),
                 QStringLiteral("node2"));
        QCOMPARE(page->details()->value(QStringLiteral("Node")), QStringLiteral("node2"));

        // One node, then one node and a text filter together.
        page->nodeFilter()->setCurrentIndex(page->nodeFilter()->findData(QStringLiteral("node1")));
        QCOMPARE(view->model()->rowCount(), 2);
        page->filterEdit()->setText(QStringLiteral("bob"));
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(view->model()->index(0, 0).data(ConnectionModel::IdRole).toString(), QStringLiteral("c-bob"));
        page->filterEdit()->setText(QStringLiteral("carol"));
        QCOMPARE(view->model()->rowCount(), 0);
        page->filterEdit()->clear();

        // The Nodes tab: node3 is live but does not answer; "Show its connections" opens its rows.
        NodesPage *nodesPage = m_window->nodesPage();
        QTRY_VERIFY(nodesPage->selectNode(QStringLiteral("node3")));
        const int node3Row = m_window->client()->nodes()->rowOf(QStringLiteral("node3"));
        QCOMPARE(m_window->client()->nodes()->index(node3Row, NodeModel::Health).data().toString(),
                 QStringLiteral("live, not answering"));
        m_window->tabs()->setCurrentWidget(nodesPage);
        QVERIFY(nodesPage->showConnectionsButton()->isEnabled());
        nodesPage->showConnectionsButton()->click();
        QCOMPARE(m_window->tabs()->currentWidget(), page);
        QCOMPARE(page->nodeFilter()->currentData().toString(), QStringLiteral("node3"));
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(view->model()->index(0, 0).data(ConnectionModel::IdRole).toString(), QStringLiteral("c-dave"));

        // Disconnecting dave's row from here goes to node3, and says so first.
        QScopedPointer<QMenu> menu(page->contextMenuFor(QStringLiteral("c-dave"), m_window.get()));
        auto *action = menu->findChild<QAction *>(QStringLiteral("disconnectAction"));
        QVERIFY(action);
        QString question;
        answerNextActionDialog(
            true, [](ActionDialog *d) { d->setText(QStringLiteral("elsewhere")); }, &question);
        action->trigger();
        QVERIFY2(question.contains(QStringLiteral("on node node3")), qPrintable(question));
        QTRY_COMPARE(m_server->commandsOf(AdminCommand::Kind::Disconnect).size(), 1);
        const AdminCommand sent = m_server->commandsOf(AdminCommand::Kind::Disconnect).first();
        QCOMPARE(sent.connectionId, QStringLiteral("c-dave"));
        QCOMPARE(sent.node, QStringLiteral("node3"));

        // Its row goes; the filter stays on node3 and shows nothing, "All nodes" shows the rest.
        m_server->broadcast(AdminProtocol::encodeDelta({}, {QStringLiteral("c-dave")}, {}, {}, nullptr, nullptr));
        QTRY_COMPARE(m_window->client()->connections()->rowCount(), 3);
        QCOMPARE(view->model()->rowCount(), 0);
        page->nodeFilter()->setCurrentIndex(0);
        QCOMPARE(view->model()->rowCount(), 3);
    }

    // The three table tabs share their setup (FilteredTable): each has its
    // view, a filter box that narrows it, and the Nodes tab's filter works too.
    void everyTableTabFiltersThroughTheSharedTable()
    {
        openConsole();
        QList<NodeInfo> nodes(2);
        nodes[0].id = QStringLiteral("node1");
        nodes[0].self = true;
        nodes[1].id = QStringLiteral("node2");
        m_server->broadcast(AdminProtocol::encodeDelta({}, {}, {}, {}, nullptr, &nodes));
        NodesPage *nodesPage = m_window->nodesPage();
        QTRY_COMPARE(nodesPage->view()->model()->rowCount(), 2);
        auto *nodesFilter = nodesPage->findChild<QLineEdit *>(QStringLiteral("nodesFilter"));
        QVERIFY(nodesFilter);
        nodesFilter->setText(QStringLiteral("node2"));
        QCOMPARE(nodesPage->view()->model()->rowCount(), 1);
        QCOMPARE(m_window->channelsPage()->view()->objectName(), QStringLiteral("channelsView"));
        m_window->channelsPage()->filterEdit()->setText(QStringLiteral("random"));
        QCOMPARE(m_window->channelsPage()->view()->model()->rowCount(), 1);
        QCOMPARE(m_window->connectionsPage()->view()->objectName(), QStringLiteral("connectionsView"));
        m_window->connectionsPage()->filterEdit()->setText(QStringLiteral("alice"));
        QCOMPARE(m_window->connectionsPage()->view()->model()->rowCount(), 1);
    }

    void withoutAClusterThereIsNoEverywhereAction()
    {
        openConsole();
        QScopedPointer<QMenu> menu(
            m_window->connectionsPage()->contextMenuFor(QStringLiteral("c-bob"), m_window.get()));
        QVERIFY(!menu->findChild<QAction *>(QStringLiteral("disconnectUserEverywhereAction")));
        QCOMPARE(m_window->client()->nodes()->rowCount(), 0);
    }

    void cancellingTheConfirmationSendsNothing()
    {
        openConsole();
        QScopedPointer<QMenu> menu(
            m_window->connectionsPage()->contextMenuFor(QStringLiteral("c-alice"), m_window.get()));
        answerNextActionDialog(false, nullptr);
        menu->findChild<QAction *>(QStringLiteral("disableUserAction"))->trigger();
        QVERIFY(commandsSoFarArrived());
        QVERIFY(m_server->commandsOf(AdminCommand::Kind::DisableUser).isEmpty());
    }

    void channelMenuSendsSystemMessageAndRemovesAnOnlineUser()
    {
        openConsole();
        ChannelsPage *page = m_window->channelsPage();
        QScopedPointer<QMenu> menu(page->contextMenuFor(QStringLiteral("ch-random"), m_window.get()));
        // An empty message cannot be confirmed.
        answerNextActionDialog(true, nullptr);
        menu->findChild<QAction *>(QStringLiteral("systemMessageAction"))->trigger();
        QVERIFY(commandsSoFarArrived());
        QVERIFY(m_server->commandsOf(AdminCommand::Kind::SystemMessage).isEmpty());

        answerNextActionDialog(true, [](ActionDialog *d) { d->setText(QStringLiteral("Maintenance at 18:00")); });
        menu->findChild<QAction *>(QStringLiteral("systemMessageAction"))->trigger();
        QTRY_COMPARE(m_server->commandsOf(AdminCommand::Kind::SystemMessage).size(), 1);
        const AdminCommand msg = m_server->commandsOf(AdminCommand::Kind::SystemMessage).first();
        QCOMPARE(msg.channelId, QStringLiteral("ch-random"));
        QCOMPARE(msg.text, QStringLiteral("Maintenance at 18:00"));
        QVERIFY(!msg.everyone);

        // Only bob is online in #random: he is the one the submenu offers.
        QVERIFY(!menu->findChild<QAction *>(QStringLiteral("removeUser:uid-alice")));
        auto *removeBob = menu->findChild<QAction *>(QStringLiteral("removeUser:uid-bob"));
        QVERIFY(removeBob);
        answerNextActionDialog(true, nullptr);
        removeBob->trigger();
        QTRY_COMPARE(m_server->commandsOf(AdminCommand::Kind::RemoveFromChannel).size(), 1);
        QCOMPARE(m_server->commandsOf(AdminCommand::Kind::RemoveFromChannel).first().userId, QStringLiteral("uid-bob"));
        QCOMPARE(m_server->commandsOf(AdminCommand::Kind::RemoveFromChannel).first().channelId,
                 QStringLiteral("ch-random"));
    }

    void broadcastAndDisableUserSendTheirCommands()
    {
        openConsole();
        QScopedPointer<QMenu> menu(
            m_window->connectionsPage()->contextMenuFor(QStringLiteral("c-alice"), m_window.get()));
        answerNextActionDialog(true,
                               [](ActionDialog *d) { d->setText(QStringLiteral("Server restarts in 5 minutes")); });
        menu->findChild<QAction *>(QStringLiteral("broadcastAction"))->trigger();
        answerNextActionDialog(true, [](ActionDialog *d) { d->setText(QStringLiteral("abuse")); });
        menu->findChild<QAction *>(QStringLiteral("disableUserAction"))->trigger();
        QTRY_COMPARE(m_server->commandsOf(AdminCommand::Kind::DisableUser).size(), 1);
        QCOMPARE(m_server->commandsOf(AdminCommand::Kind::DisableUser).first().userId, QStringLiteral("uid-alice"));
        QCOMPARE(m_server->commandsOf(AdminCommand::Kind::DisableUser).first().text, QStringLiteral("abuse"));
        QCOMPARE(m_server->commandsOf(AdminCommand::Kind::SystemMessage).size(), 1);
        QVERIFY(m_server->commandsOf(AdminCommand::Kind::SystemMessage).first().everyone);
    }

    void aRefusedCommandIsLoggedAsFailed()
    {
        openConsole();
        m_server->setAnswer(false, QStringLiteral("not_found"));
        QSignalSpy finished(m_window->client(), &AdminClient::commandFinished);
        m_window->client()->send(AdminCommand::disconnect(QStringLiteral("c-gone"), QString()));
        QTRY_COMPARE(finished.count(), 1);
        const AdminResult r = finished.first().first().value<AdminResult>();
        QVERIFY(!r.ok);
        QCOMPARE(r.errorCode, QStringLiteral("not_found"));
        QTRY_VERIFY(!m_window->adminLog()->findItems(QStringLiteral("disconnect failed"), Qt::MatchContains).isEmpty());
    }

    void wrongTokenIsRefusedAndNotRetried()
    {
        m_server = std::make_unique<FakeFeedServer>(QLatin1String(token));
        m_window = std::make_unique<MainWindow>();
        m_window->client()->setReconnectDelays(20, 50);
        m_window->openFeed(m_server->url(), QStringLiteral("guess"));
        QTRY_COMPARE(m_window->client()->state(), AdminClient::LinkState::Refused);
        QVERIFY(m_window->linkText().contains(QStringLiteral("Refused")));
        // No attempt is planned; and a precise QTimer due after the longest
        // reconnect delay set above fires after any reconnect timer would have.
        QCOMPARE(m_window->client()->reconnectIn(), -1);
        bool pastLongestDelay = false;
        QTimer::singleShot(50 + 1, Qt::PreciseTimer, m_window.get(), [&] { pastLongestDelay = true; });
        QTRY_VERIFY(pastLongestDelay);
        QCOMPARE(m_server->connectionAttempts(), 1);
        QCOMPARE(m_window->client()->state(), AdminClient::LinkState::Refused);
    }

    void aDroppedLinkReconnectsByItselfAndShowsIt()
    {
        openConsole();
        m_window->client()->setReconnectDelays(400, 800);
        m_server->dropClients();
        QTRY_COMPARE(m_window->client()->state(), AdminClient::LinkState::Reconnecting);
        QVERIFY(m_window->linkText().contains(QStringLiteral("reconnecting in")));
        QTRY_COMPARE(m_window->client()->state(), AdminClient::LinkState::Connected);
        QCOMPARE(m_server->connectionAttempts(), 2);
        QCOMPARE(m_window->connectionsPage()->view()->model()->rowCount(), 2);
    }

    void commandsWithoutALinkFailAtOnce()
    {
        AdminClient client;
        QSignalSpy finished(&client, &AdminClient::commandFinished);
        client.send(AdminCommand::disconnect(QStringLiteral("x"), QString()));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().first().value<AdminResult>().errorCode, QStringLiteral("not_connected"));
    }

    void garbageFromTheServerIsReportedNotFatal()
    {
        openConsole();
        QSignalSpy errors(m_window->client(), &AdminClient::serverError);
        m_server->broadcast("{{{ not json");
        m_server->broadcast("{\"type\":\"snapshot\",\"connections\":[{\"no\":\"id\"}]}");
        QTRY_COMPARE(errors.count(), 2);
        QCOMPARE(m_window->client()->state(), AdminClient::LinkState::Connected);
        QCOMPARE(m_window->client()->connections()->rowCount(), 2); // the bad snapshot was not applied
    }

    void statsDrawIntoTheChartsAndCounters()
    {
        openConsole();
        OverviewPage *overview = m_window->overviewPage();
        const int before = overview->ratesChart()->sampleCount();
        ServerStats s = stats(12.5);
        s.connectionsByDialect.insert(QStringLiteral("socketio"), 4);
        m_server->broadcast(AdminProtocol::encodeDelta({}, {}, {}, {}, &s));
        QTRY_COMPARE(overview->ratesChart()->sampleCount(), before + 1);
        QCOMPARE(overview->ratesChart()->latest(QStringLiteral("in")), 12.5);
        QCOMPARE(overview->connectionsChart()->latest(QStringLiteral("socketio")), 4.0);
        QCOMPARE(overview->connectionsChart()->latest(QStringLiteral("total")), 6.0);
        QCOMPARE(overview->counterText(QStringLiteral("messagesIn")), QStringLiteral("12.5"));
        // Deliveries peak at 25/s; with headroom the axis goes to the next round number.
        QCOMPARE(overview->ratesChart()->axisMax(), 50.0);
        // The chart paints without trouble at any size.
        overview->ratesChart()->resize(300, 150);
        QVERIFY(!overview->ratesChart()->grab().isNull());
    }

    void chartAxisRoundsUpToANiceNumber()
    {
        QCOMPARE(RateChart::niceCeiling(0), 1.0);
        QCOMPARE(RateChart::niceCeiling(7), 10.0);
        QCOMPARE(RateChart::niceCeiling(13), 20.0);
        QCOMPARE(RateChart::niceCeiling(0.3), 0.5);
        QCOMPARE(RateChart::niceCeiling(2400), 2500.0);
    }

    void chartWindowGrowsWithItsHistoryUpToTheFullWindow()
    {
        RateChart chart(QStringLiteral("t"));
        QCOMPARE(chart.shownSeconds(), 60);
        const qint64 t0 = 1700000000000;
        chart.addSample(t0, {{QStringLiteral("a"), 1}});
        chart.addSample(t0 + 30000, {{QStringLiteral("a"), 2}});
        QCOMPARE(chart.shownSeconds(), 60);
        chart.addSample(t0 + 210000, {{QStringLiteral("a"), 3}});
        QCOMPARE(chart.shownSeconds(), 240); // 3.5 minutes of history: a four-minute axis
        chart.addSample(t0 + 3600000, {{QStringLiteral("a"), 3}});
        QCOMPARE(chart.shownSeconds(), 300);
        QCOMPARE(chart.seriesCount(), 1);
    }

    void connectDialogRemembersTheTokenOnlyWhenAsked()
    {
        {
            ConnectDialog d;
            QCOMPARE(d.url().toString(), QStringLiteral("ws://127.0.0.1:8000/admin/ws"));
            d.setUrl(QStringLiteral("ws://127.0.0.1:9999/admin/ws"));
            d.setToken(QStringLiteral("tok"));
            d.save();
        }
        QCOMPARE(ConnectDialog::savedUrl(), QStringLiteral("ws://127.0.0.1:9999/admin/ws"));
        QVERIFY(ConnectDialog::savedToken().isEmpty());
        {
            ConnectDialog d;
            d.setToken(QStringLiteral("tok"));
            d.findChild<QCheckBox *>(QStringLiteral("rememberToken"))->setChecked(true);
            d.save();
        }
        QCOMPARE(ConnectDialog::savedToken(), QStringLiteral("tok"));
        ConnectDialog again;
        QCOMPARE(again.token(), QStringLiteral("tok"));
        QVERIFY(again.rememberToken());
    }

    void iconsComeFromTheResourcesAndDraw()
    {
        for (const char *name :
             {"app", "disconnect", "pause", "resume", "message", "broadcast", "link-up", "traffic"}) {
            const QIcon icon = Icons::get(QLatin1String(name));
            QVERIFY2(!icon.isNull(), name);
            const QImage image = icon.pixmap(32, 32).toImage();
            int painted = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x) painted += qAlpha(image.pixel(x, y)) > 0;
            QVERIFY2(painted > 20, name);
        }
        QVERIFY(Icons::get(QStringLiteral("no-such-icon")).isNull());
    }

    void tinySvgPathParserHandlesRelativeAndCurves()
    {
        const QPainterPath p = TinySvgIconEngine::parsePathData(
            QStringLiteral("M2 2 l10 0 v10 H2 z M5 5 C6 6 7 7 8 8 q1 1 2 2"));
        QCOMPARE(p.boundingRect().topLeft(), QPointF(2, 2));
        QVERIFY(p.boundingRect().width() >= 10);
        QVERIFY(p.elementCount() > 6);
        QVERIFY(TinySvgIconEngine::parsePathData(QStringLiteral("garbage ### 1 2")).isEmpty());
    }

    void germanTranslationIsComplete()
    {
        QFile ts(QStringLiteral(SWITCHBOARD_SOURCE_DIR "/translations/switchboard_admin_de.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&ts);
        int messages = 0, unfinished = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement) continue;
            if (xml.name() == QLatin1String("message")) ++messages;
            if (xml.name() == QLatin1String("translation")) {
                const QString type = xml.attributes().value(QLatin1String("type")).toString();
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                if (type == QLatin1String("unfinished") || type == QLatin1String("vanished")
                    || text.trimmed().isEmpty())
                    ++unfinished;
            }
        }
        QVERIFY(!xml.hasError());
        QVERIFY(messages > 100);
        QCOMPARE(unfinished, 0);
    }
};

int main(int argc, char *argv[])
{
    // Widgets without a display: the offscreen platform, unless told otherwise.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SwitchboardTests"));
    QApplication::setApplicationName(QStringLiteral("tst_adminconsole"));
    QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    qRegisterMetaType<AdminResult>();
    tst_AdminConsole test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_adminconsole.moc"
