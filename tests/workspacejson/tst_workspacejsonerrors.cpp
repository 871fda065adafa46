// WorkspaceJsonErrors: the one place workspace JSON errors are made. An
// Internal error's text reaches the log only; every error counts once.

#include "core/Metrics.h"
#include "dialects/workspacejson/WorkspaceJsonCodec.h"
#include "dialects/workspacejson/WorkspaceJsonErrors.h"

#include <QRegularExpression>
#include <QTest>

using namespace switchboard;

namespace {
const QString kSecret = QStringLiteral("SQLITE_IOERR: disk I/O error in UPDATE channels SET name=?");
const QString kWs = QStringLiteral("w-1");
const qint64 kAt = 1704623400000;
}

class TestWorkspaceJsonErrors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void internalTextIsLoggedNotSent()
    {
        const quint64 before = Metrics::instance().errors;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLITE_IOERR")));
        const WorkspaceJsonErrors::Frame f = WorkspaceJsonErrors::fromCore(CoreError::internal(kSecret), kWs, kAt);
        QVERIFY2(!f.bytes.contains("SQLITE") && !f.bytes.contains("UPDATE"), f.bytes.constData());
        QVERIFY(!f.message.contains(QStringLiteral("SQLITE")));
        QCOMPARE(f.code, QStringLiteral("INTERNAL_ERROR"));
        QCOMPARE(f.bytes, WorkspaceJsonCodec::error(QStringLiteral("INTERNAL_ERROR"),
                                                    QStringLiteral("Internal server error"), kWs, kAt));
        QCOMPARE(WorkspaceJsonCodec::closeCodeFor(f.code), quint16(4500));
        QCOMPARE(Metrics::instance().errors, before + 1);
    }

    void otherErrorsAreSentAsBefore()
    {
        const quint64 before = Metrics::instance().errors;
        const WorkspaceJsonErrors::Frame f =
            WorkspaceJsonErrors::fromCore(CoreError::accessDenied(QStringLiteral("nope")), kWs, kAt);
        QCOMPARE(f.code, QStringLiteral("UNAUTHORIZED"));
        QCOMPARE(f.bytes, WorkspaceJsonCodec::error(QStringLiteral("UNAUTHORIZED"), QStringLiteral("nope"), kWs, kAt));
        const WorkspaceJsonErrors::Frame p = WorkspaceJsonErrors::protocol(QStringLiteral("INVALID_JSON"),
                                                                           QStringLiteral("Malformed"), kWs, kAt);
        QCOMPARE(p.bytes,
                 WorkspaceJsonCodec::error(QStringLiteral("INVALID_JSON"), QStringLiteral("Malformed"), kWs, kAt));
        QCOMPARE(Metrics::instance().errors, before + 2);
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceJsonErrors)
#include "tst_workspacejsonerrors.moc"
