// RestErrors: the one place REST errors are made (docs/api/rest.md's shape and
// status). An Internal error's text reaches the log only; every error counts once.

#include "core/Metrics.h"
#include "dialects/rest/RestErrors.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace switchboard;

namespace {
const QString kSecret = QStringLiteral("SQLITE_CORRUPT: database disk image is malformed in SELECT * FROM users");

QJsonObject body(const HttpResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}
QByteArray header(const HttpResponse &r, const QByteArray &name)
{
    for (const auto &h : r.headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
    return {};
}
}

class TestRestErrors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void internalTextIsLoggedNotSent()
    {
        const quint64 before = Metrics::instance().errors;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_CORRUPT")));
        const HttpResponse r = RestErrors::response(CoreError::internal(kSecret));
        QCOMPARE(r.status, 500);
        QVERIFY2(!r.body.contains("SQLITE") && !r.body.contains("SELECT"), r.body.constData());
        QCOMPARE(body(r),
                 (QJsonObject{{"error", QJsonObject{{"code", "internal_error"}, {"message", "internal error"}}}}));
        QCOMPARE(Metrics::instance().errors, before + 1);
    }

    void everyCodeHasItsStatus_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("status");
        QTest::newRow("unauthorized") << int(CoreError::Unauthorized) << 401;
        QTest::newRow("access denied") << int(CoreError::AccessDenied) << 403;
        QTest::newRow("not found") << int(CoreError::NotFound) << 404;
        QTest::newRow("invalid") << int(CoreError::Invalid) << 422;
        QTest::newRow("conflict") << int(CoreError::Conflict) << 409;
        QTest::newRow("rate limited") << int(CoreError::RateLimited) << 429;
        QTest::newRow("too large") << int(CoreError::TooLarge) << 413;
        QTest::newRow("unavailable") << int(CoreError::Unavailable) << 503;
    }
    void everyCodeHasItsStatus()
    {
        QFETCH(int, code);
        QFETCH(int, status);
        const CoreError e{CoreError::Code(code), QStringLiteral("words"), {}, 0};
        const HttpResponse r = RestErrors::response(e);
        QCOMPARE(r.status, status);
        QCOMPARE(body(r).value("error").toObject().value("message").toString(), QStringLiteral("words"));
        QCOMPARE(body(r).value("error").toObject().value("code").toString(), e.codeName());
    }

    void fieldsAndRetryAfter()
    {
        const quint64 before = Metrics::instance().errors;
        QCOMPARE(body(RestErrors::response(CoreError::invalid("name", "name is required"))),
                 (QJsonObject{
                     {"error",
                      QJsonObject{{"code", "validation_error"}, {"field", "name"}, {"message", "name is required"}}}}));
        const HttpResponse limited = RestErrors::response(CoreError::rateLimited(1500));
        QCOMPARE(body(limited).value("error").toObject().value("retry_after").toInt(), 1500);
        QCOMPARE(header(limited, "Retry-After"), QByteArray("2"));
        const HttpResponse bad = RestErrors::protocol(400, QStringLiteral("invalid_json"),
                                                      QStringLiteral("malformed JSON"));
        QCOMPARE(bad.status, 400);
        QCOMPARE(body(bad),
                 (QJsonObject{{"error", QJsonObject{{"code", "invalid_json"}, {"message", "malformed JSON"}}}}));
        QCOMPARE(Metrics::instance().errors, before + 3);
    }
};

QTEST_GUILESS_MAIN(TestRestErrors)
#include "tst_resterrors.moc"
