// PhoenixErrors: the one place Phoenix error replies and refusals are made.
// An Internal error's text reaches the log only; every error counts once.

#include "core/Metrics.h"
#include "dialects/phoenix/PhoenixErrors.h"
#include "dialects/phoenix/PhoenixPayloads.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace switchboard;

namespace {
const QString kSecret = QStringLiteral(
    "SQLITE_FULL: database or disk is full in INSERT INTO messages (id, channel_id)");

QByteArray text(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
}

class TestPhoenixErrors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void internalTextIsLoggedNotSent()
    {
        const quint64 before = Metrics::instance().errors;
        const CoreError e = CoreError::internal(kSecret);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_FULL")));
        const QJsonObject reply = PhoenixErrors::reply(e);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_FULL")));
        const QJsonObject withFields = PhoenixErrors::reply(e, PhoenixErrors::FieldErrors::Always);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_FULL")));
        const QJsonObject join = PhoenixErrors::joinReply(e);
        for (const QJsonObject &o : {reply, withFields, join}) {
            const QByteArray out = text(o);
            QVERIFY2(!out.contains("SQLITE") && !out.contains("INSERT"), out.constData());
            QCOMPARE(o.value("reason").toString(), QStringLiteral("internal_error"));
            QCOMPARE(o.value("message").toString(), QStringLiteral("internal error"));
        }
        QCOMPARE(withFields.value("errors").toObject(), (QJsonObject{{"base", QJsonArray{"internal error"}}}));
        QCOMPARE(Metrics::instance().errors, before + 3);
    }

    void otherErrorsKeepTheirShape()
    {
        const quint64 before = Metrics::instance().errors;
        const CoreError blank = CoreError::invalid("content", "can't be blank");
        QCOMPARE(PhoenixErrors::reply(blank), PhoenixPayloads::error(blank));
        QCOMPARE(PhoenixErrors::joinReply(CoreError::accessDenied("x")),
                 PhoenixPayloads::joinError(CoreError::accessDenied("x")));
        QCOMPARE(PhoenixErrors::reply(CoreError::notFound("gone"), PhoenixErrors::FieldErrors::Always)
                     .value("errors")
                     .toObject(),
                 (QJsonObject{{"base", QJsonArray{"gone"}}}));
        QCOMPARE(PhoenixErrors::protocol(QStringLiteral("unmatched topic")),
                 (QJsonObject{{"reason", "unmatched topic"}}));
        QCOMPARE(PhoenixErrors::connectRefusal(403, QStringLiteral("forbidden"), QStringLiteral("bad token")).status,
                 403);
        QCOMPARE(PhoenixErrors::longPollRefusal(403), QByteArray(R"({"status":403})"));
        QCOMPARE(Metrics::instance().errors, before + 6);
    }
};

QTEST_GUILESS_MAIN(TestPhoenixErrors)
#include "tst_phoenixerrors.moc"
