// FlatJsonErrors: the one place flat JSON errors are made. An Internal error's
// text (SQL, paths) reaches the log only; every error counts once.

#include "dialects/flatjson/FlatJsonCodec.h"
#include "dialects/flatjson/FlatJsonErrors.h"
#include "core/Metrics.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace switchboard;

namespace {
const QString kSecret = QStringLiteral(
    "SQLITE_CONSTRAINT: UNIQUE constraint failed: messages.id in INSERT INTO messages");
}

class TestFlatJsonErrors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void internalTextIsLoggedNotSent()
    {
        const quint64 before = Metrics::instance().errors;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_CONSTRAINT")));
        const QByteArray frame = FlatJsonErrors::fromCore(CoreError::internal(kSecret),
                                                          QStringLiteral("send_message_error"));
        QVERIFY2(!frame.contains("SQLITE") && !frame.contains("INSERT") && !frame.contains("messages.id"),
                 frame.constData());
        const QJsonObject o = QJsonDocument::fromJson(frame).object();
        QCOMPARE(o.value("type").toString(), QStringLiteral("error"));
        QCOMPARE(o.value("error_code").toString(), QStringLiteral("internal_error"));
        QCOMPARE(o.value("message").toString(), QStringLiteral("Internal server error"));
        QCOMPARE(Metrics::instance().errors, before + 1);
    }

    void internalHandshakeRefusalHidesTheText()
    {
        const quint64 before = Metrics::instance().errors;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_CONSTRAINT")));
        const HttpResponse r = FlatJsonErrors::handshakeRefusal(CoreError::internal(kSecret));
        QCOMPARE(r.status, 500);
        QVERIFY2(!r.body.contains("SQLITE"), r.body.constData());
        QCOMPARE(Metrics::instance().errors, before + 1);
    }

    void otherErrorsAreSentAsBefore()
    {
        const quint64 before = Metrics::instance().errors;
        QCOMPARE(FlatJsonErrors::fromCore(CoreError::invalid("content", "can't be blank"),
                                          QStringLiteral("send_message_error")),
                 FlatJsonCodec::error(QStringLiteral("send_message_error"), QStringLiteral("can't be blank"),
                                      QStringLiteral("field: content")));
        QCOMPARE(FlatJsonErrors::fromCore(CoreError::rateLimited(1500), QStringLiteral("send_message_error")),
                 FlatJsonCodec::error(QStringLiteral("rate_limited"), CoreError::rateLimited(1500).message,
                                      QStringLiteral("retry_after_ms: 1500")));
        QCOMPARE(FlatJsonErrors::protocol(QStringLiteral("invalid_json"), QStringLiteral("Malformed JSON")),
                 FlatJsonCodec::error(QStringLiteral("invalid_json"), QStringLiteral("Malformed JSON")));
        const HttpResponse r = FlatJsonErrors::handshakeRefusal(
            CoreError::unauthorized(QStringLiteral("invalid token")));
        QCOMPARE(r.status, 401);
        QCOMPARE(QJsonDocument::fromJson(r.body).object(),
                 (QJsonObject{{"error", QJsonObject{{"code", "unauthorized"}, {"message", "invalid token"}}}}));
        QCOMPARE(Metrics::instance().errors, before + 4);
    }
};

QTEST_GUILESS_MAIN(TestFlatJsonErrors)
#include "tst_flatjsonerrors.moc"
