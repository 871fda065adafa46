// Real Qt networking (QTcpServer, QTcpSocket, QWebSocketServer) on the
// dispatcher the server installs, including thousands of idle sockets.
#include "DispatcherTestMain.h"

#include <QAbstractEventDispatcher>
#include <QEventLoop>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

using namespace switchboard;

namespace {

// Echoes every byte back; optionally lets a test act on the first read.
class EchoServer : public QTcpServer
{
public:
    std::vector<QPointer<QTcpSocket>> accepted;
    std::function<void(QTcpSocket *)> onFirstRead;
    int readyReads = 0;

    bool listenLocal(int backlog = 50)
    {
        setListenBacklogSize(backlog);
        return listen(QHostAddress::LocalHost, 0);
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        socket->setSocketDescriptor(descriptor);
        accepted.emplace_back(socket);
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            ++readyReads;
            if (onFirstRead) {
                auto hook = std::move(onFirstRead);
                onFirstRead = nullptr;
                hook(socket);
            }
            socket->write(socket->readAll());
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
};

bool connectClient(QTcpSocket &client, quint16 port)
{
    client.connectToHost(QHostAddress::LocalHost, port);
    return client.waitForConnected(5000);
}

// One message out and its echo back through the event loop (not waitFor*).
// A real blocking loop, so the dispatcher's waits are exercised too.
bool roundTrip(QTcpSocket &client, const QByteArray &message)
{
    QByteArray received;
    QEventLoop loop;
    QObject::connect(&client, &QTcpSocket::readyRead, &loop, [&] {
        received += client.readAll();
        if (received.size() >= message.size()) loop.quit();
    });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    client.write(message);
    loop.exec();
    return received == message;
}

} // namespace

class TestEpollDispatcherNetworking : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tcpEchoRoundTripsArriveIntact()
    {
        EchoServer server;
        QVERIFY(server.listenLocal());
        QTcpSocket client;
        QVERIFY(connectClient(client, server.serverPort()));
        for (int i = 0; i < 200; ++i)
            QVERIFY2(roundTrip(client, "message " + QByteArray::number(i)), qPrintable(QString::number(i)));
    }

    void largePayloadFlowsThroughWriteNotifications()
    {
        // Far more than the socket buffers hold, so writes wait for writability.
        EchoServer server;
        QVERIFY(server.listenLocal());
        QTcpSocket client;
        QVERIFY(connectClient(client, server.serverPort()));
        QByteArray payload(8 * 1024 * 1024, '\0');
        for (int i = 0; i < payload.size(); ++i) payload[i] = char(i * 31 + i / 4096);
        QByteArray received;
        connect(&client, &QTcpSocket::readyRead, &client, [&] { received += client.readAll(); });
        client.write(payload);
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), payload.size(), 30000);
        QVERIFY(received == payload);
    }

    void webSocketEchoRoundTripsArriveIntact()
    {
        QWebSocketServer server(QStringLiteral("echo"), QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        std::vector<QWebSocket *> peers;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            while (QWebSocket *peer = server.nextPendingConnection()) {
                peers.push_back(peer);
                connect(peer, &QWebSocket::textMessageReceived, peer,
                        [peer](const QString &text) { peer->sendTextMessage(text); });
                connect(peer, &QWebSocket::binaryMessageReceived, peer,
                        [peer](const QByteArray &data) { peer->sendBinaryMessage(data); });
            }
        });

        QWebSocket client;
        QStringList texts;
        QList<QByteArray> binaries;
        connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &t) { texts.append(t); });
        connect(&client, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &b) { binaries.append(b); });
        bool connected = false;
        connect(&client, &QWebSocket::connected, this, [&] { connected = true; });
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort())));
        QTRY_VERIFY_WITH_TIMEOUT(connected, 5000);

        for (int i = 0; i < 50; ++i) {
            const QString text = QStringLiteral("hello %1 ✓").arg(i);
            client.sendTextMessage(text);
            QTRY_COMPARE_WITH_TIMEOUT(texts.size(), i + 1, 5000);
            QCOMPARE(texts.last(), text);
        }
        const QByteArray blob(300000, 'b');
        client.sendBinaryMessage(blob);
        QTRY_COMPARE_WITH_TIMEOUT(binaries.size(), 1, 10000);
        QCOMPARE(binaries.first(), blob);
        client.close();
        qDeleteAll(peers);
    }

    void echoStillWorksBesideTwoThousandIdleSockets()
    {
        constexpr int kIdle = 2000;
        EchoServer server;
        QVERIFY(server.listenLocal(kIdle));
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        int connected = 0;
        for (int i = 0; i < kIdle; ++i) {
            idle.push_back(std::make_unique<QTcpSocket>());
            connect(idle.back().get(), &QTcpSocket::connected, this, [&] { ++connected; });
            idle.back()->connectToHost(QHostAddress::LocalHost, server.serverPort());
        }
        QTRY_COMPARE_WITH_TIMEOUT(connected, kIdle, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(int(server.accepted.size()), kIdle, 60000);
        if (auto *epoll = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()))
            QVERIFY2(epoll->watchedDescriptorCount() >= 2 * kIdle,
                     qPrintable(QString::number(epoll->watchedDescriptorCount())));

        QTcpSocket active;
        QVERIFY(connectClient(active, server.serverPort()));
        for (int i = 0; i < 100; ++i) QVERIFY(roundTrip(active, "beside the idle " + QByteArray::number(i)));
        // The idle ones were only idle, not forgotten.
        for (int i : {0, kIdle / 2, kIdle - 1}) QVERIFY(roundTrip(*idle[i], "wake up " + QByteArray::number(i)));
    }

    void deletingSocketsInsideAnotherSocketsReadyReadOfTheSameBatch()
    {
        constexpr int kClients = 10;
        EchoServer server;
        QVERIFY(server.listenLocal());
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int i = 0; i < kClients; ++i) {
            clients.push_back(std::make_unique<QTcpSocket>());
            QVERIFY(connectClient(*clients.back(), server.serverPort()));
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(server.accepted.size()), kClients, 5000);

        QTcpSocket *survivor = nullptr;
        server.onFirstRead = [&](QTcpSocket *first) {
            survivor = first;
            for (auto &peer : server.accepted) {
                if (peer && peer != first) delete peer.data(); // not deleteLater: gone while its readiness is pending
            }
        };
        // All data reaches the kernel before the server's next pass, so every
        // server-side socket is ready in the same epoll batch.
        for (auto &client : clients) {
            client->write("same batch");
            QVERIFY(client->flush());
        }
        QTRY_VERIFY_WITH_TIMEOUT(survivor != nullptr, 5000);
        QCOMPARE(server.readyReads, 1);

        // The survivor's client gets its echo; the others see the close.
        auto closedClients = [&] {
            return std::count_if(clients.begin(), clients.end(),
                                 [](const auto &c) { return c->state() == QAbstractSocket::UnconnectedState; });
        };
        QTRY_COMPARE_WITH_TIMEOUT(int(closedClients()), kClients - 1, 5000);
        for (auto &client : clients) {
            if (client->state() != QAbstractSocket::ConnectedState) continue;
            QTRY_COMPARE_WITH_TIMEOUT(client->bytesAvailable(), qint64(10), 5000);
            QCOMPARE(client->readAll(), QByteArray("same batch"));
        }
        // Still one: the passes that carried the echo and the closes (instead
        // of a qWait) delivered nothing for the deleted sockets.
        QCOMPARE(server.readyReads, 1);
    }

    void zeroTimerDoesNotStarveTcpEcho()
    {
        EchoServer server;
        QVERIFY(server.listenLocal());
        QTcpSocket client;
        QVERIFY(connectClient(client, server.serverPort()));
        int zeroTicks = 0;
        QTimer busy;
        connect(&busy, &QTimer::timeout, this, [&] { ++zeroTicks; });
        busy.start(0);
        for (int i = 0; i < 50; ++i) QVERIFY(roundTrip(client, "while busy " + QByteArray::number(i)));
        QVERIFY(zeroTicks > 0);
    }

    void workerThreadServesTcpEcho()
    {
        QThread worker;
        QCOMPARE(EpollEventDispatcher::installOnThread(&worker), expectEpollDispatcher());
        worker.start();
        auto *server = new EchoServer;
        server->moveToThread(&worker);
        quint16 port = 0;
        QMetaObject::invokeMethod(
            server, [server] { return server->listenLocal() ? server->serverPort() : quint16(0); },
            Qt::BlockingQueuedConnection, &port);
        QVERIFY(port != 0);
        QCOMPARE(qobject_cast<EpollEventDispatcher *>(worker.eventDispatcher()) != nullptr, expectEpollDispatcher());

        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int c = 0; c < 5; ++c) {
            clients.push_back(std::make_unique<QTcpSocket>());
            QVERIFY(connectClient(*clients.back(), port));
        }
        for (int i = 0; i < 40; ++i)
            QVERIFY(roundTrip(*clients[i % clients.size()], "to the worker " + QByteArray::number(i)));

        clients.clear();
        // Deleted in its thread before quit(): a queued deleteLater could miss the loop.
        QMetaObject::invokeMethod(
            server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        worker.quit();
        QVERIFY(worker.wait(10000));
    }
};

SWITCHBOARD_DISPATCHER_TEST_MAIN(TestEpollDispatcherNetworking)
#include "tst_epolldispatchernetworking.moc"
