#include "transport/SessionTag.h"

#include <QRegularExpression>
#include <QTest>

using namespace switchboard;

// The node tag in front of polling session ids: what a balancer matches on
// (packaging/haproxy/haproxy.cfg), so only safe characters, and the tag must
// be recoverable from an id whatever the random part holds.
class TestSessionTag : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainNodeIdsAreTheirOwnTag()
    {
        QCOMPARE(SessionTag::fromNodeId(QStringLiteral("node1")), QStringLiteral("node1"));
        QCOMPARE(SessionTag::fromNodeId(QStringLiteral("eu_west-2")), QStringLiteral("eu_west-2"));
    }

    void unsafeCharactersBecomeDashesAndLengthIsCapped()
    {
        QCOMPARE(SessionTag::fromNodeId(QStringLiteral("host.example.org-41")), QStringLiteral("host-example-org-41"));
        QCOMPARE(SessionTag::fromNodeId(QStringLiteral("a b/c?d&e=f%\u00e9")), QStringLiteral("a-b-c-d-e-f--"));
        const QString tag = SessionTag::fromNodeId(QString(100, QLatin1Char('x')) + QStringLiteral(".y"));
        QCOMPARE(tag.size(), SessionTag::kMaxLength);
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]+$")).match(tag).hasMatch());
    }

    void prefixAndBackAgain()
    {
        QCOMPARE(SessionTag::prefix(QString()), QString());
        QCOMPARE(SessionTag::prefix(QStringLiteral("node2")), QStringLiteral("node2."));
        // base64url ids may hold '-' and '_', never '.'.
        QCOMPARE(SessionTag::of(QStringLiteral("node2.a-b_c")), QStringLiteral("node2"));
        QCOMPARE(SessionTag::of(QStringLiteral("a-b_cdef")), QString());
        QCOMPARE(SessionTag::of(QStringLiteral(".abc")), QString());
    }
};

QTEST_APPLESS_MAIN(TestSessionTag)
#include "tst_sessiontag.moc"
