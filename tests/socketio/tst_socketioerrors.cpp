// SocketIoErrors: the one place Socket.IO errors are made, for "/" and
// "/chat". An Internal error's text reaches the log only; every failed
// command (event plus ack) and refused CONNECT counts once.

#include "core/Metrics.h"
#include "dialects/socketio/SocketIoErrors.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace switchboard;

namespace {
const QString kSecret = QStringLiteral("SQLITE_BUSY: database is locked in INSERT INTO reactions");

QByteArray text(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
}

class TestSocketIoErrors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void internalTextIsLoggedNotSent_data()
    {
        QTest::addColumn<QString>("nsp");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("/") << QStringLiteral("/") << QStringLiteral("Failed to add reaction");
        QTest::newRow("/chat") << QStringLiteral("/chat") << QString();
    }
    void internalTextIsLoggedNotSent()
    {
        QFETCH(QString, nsp);
        QFETCH(QString, prefix);
        const quint64 before = Metrics::instance().errors;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_BUSY")));
        const SocketIoErrors::Command c = SocketIoErrors::command(nsp, QStringLiteral("add_reaction"),
                                                                  CoreError::internal(kSecret), prefix);
        for (const QByteArray &out : {text(c.event), text(c.ack)})
            QVERIFY2(!out.contains("SQLITE") && !out.contains("INSERT"), out.constData());
        const QString shown = prefix.isEmpty() ? QStringLiteral("internal error")
                                               : prefix + QStringLiteral(": internal error");
        QCOMPARE(c.event.value("message").toString(), shown);
        QCOMPARE(c.event.value("code").toString(), QStringLiteral("internal_error"));
        QCOMPARE(c.ack,
                 (QJsonObject{{"ok", false}, {"error", QJsonObject{{"code", "internal_error"}, {"message", shown}}}}));
        if (nsp == QLatin1String("/chat")) QCOMPARE(c.event.value("type").toString(), QStringLiteral("server"));
        QCOMPARE(Metrics::instance().errors, before + 1);
    }

    void otherErrorsKeepTheirShape()
    {
        const quint64 before = Metrics::instance().errors;
        const SocketIoErrors::Command root =
            SocketIoErrors::command(QStringLiteral("/"), QStringLiteral("send_message"),
                                    CoreError::invalid("content", "content must be a string"),
                                    QStringLiteral("Failed to send message"));
        QCOMPARE(root.event, (QJsonObject{{"message", "Failed to send message: content must be a string"},
                                          {"code", "validation_error"},
                                          {"event", "send_message"},
                                          {"field", "content"}}));
        const SocketIoErrors::Command chat = SocketIoErrors::command(QStringLiteral("/chat"),
                                                                     QStringLiteral("sendMessage"),
                                                                     CoreError::rateLimited(2000));
        QCOMPARE(chat.event.value("type").toString(), QStringLiteral("rate_limit"));
        QCOMPARE(chat.event.value("retryAfter").toDouble(), 2000.0);
        QCOMPARE(chat.ack.value("error").toObject().value("retryAfter").toDouble(), 2000.0);
        const SocketIoPacket refused = SocketIoErrors::connectRefused(QStringLiteral("/"),
                                                                      QStringLiteral("Invalid namespace"));
        QCOMPARE(refused.type, SocketIoPacket::ConnectError);
        QCOMPARE(Metrics::instance().errors, before + 3);
    }

    void publicMessageHidesOnlyInternal()
    {
        QCOMPARE(SocketIoErrors::publicMessage(CoreError::notFound(QStringLiteral("message not found"))),
                 QStringLiteral("message not found"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_BUSY")));
        QCOMPARE(SocketIoErrors::publicMessage(CoreError::internal(kSecret)), QStringLiteral("internal error"));
    }
};

QTEST_GUILESS_MAIN(TestSocketIoErrors)
#include "tst_socketioerrors.moc"
