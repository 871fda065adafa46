#include "DispatcherTestMain.h"

#include "cluster/NodeGrace.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

namespace switchboard {

namespace {

constexpr int kGraceMs = 600;
constexpr int kWaitMs = 10000;

QStringList nodesOf(const QSignalSpy &spy)
{
    QStringList out;
    for (const QList<QVariant> &args : spy) out.append(args.at(0).toString());
    return out;
}

} // namespace

// A dead node's grace (ClusterPresence forgets the node when it expires):
// it runs from the node's latest down, a node seen up cancels it, and a node
// that came back and died again gets a whole grace from its second death (a
// wait left from the first once cut it short: docs/cluster.md, "Not done yet").
// Absence is proven by order: equal waits started later expire later.
class TestNodeGrace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void expiresAGraceAfterTheDown();
    void upCancelsTheWait();
    void downAgainAfterUpGetsAWholeGrace();
};

void TestNodeGrace::expiresAGraceAfterTheDown()
{
    NodeGrace grace;
    grace.setGraceMs(kGraceMs);
    QSignalSpy expired(&grace, &NodeGrace::expired);
    QElapsedTimer clock;
    clock.start();
    grace.nodeDown(QStringLiteral("node2"));
    QVERIFY(grace.isWaiting(QStringLiteral("node2")));
    QVERIFY(expired.wait(kWaitMs));
    QVERIFY2(clock.elapsed() >= kGraceMs, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(nodesOf(expired), QStringList{QStringLiteral("node2")});
    QVERIFY(!grace.isWaiting(QStringLiteral("node2")));
}

void TestNodeGrace::upCancelsTheWait()
{
    NodeGrace grace;
    grace.setGraceMs(kGraceMs);
    QSignalSpy expired(&grace, &NodeGrace::expired);
    grace.nodeDown(QStringLiteral("node2"));
    grace.nodeUp(QStringLiteral("node2"));
    QVERIFY(!grace.isWaiting(QStringLiteral("node2")));
    // Barrier: node3's equal wait started after node2's would have ended after it.
    grace.nodeDown(QStringLiteral("node3"));
    QVERIFY(expired.wait(kWaitMs));
    QCOMPARE(nodesOf(expired), QStringList{QStringLiteral("node3")});
}

void TestNodeGrace::downAgainAfterUpGetsAWholeGrace()
{
    // As after a Redis restart: a peer sees node2 down, then up again; node2
    // dies a little later. Its grace starts at that second down.
    NodeGrace grace;
    grace.setGraceMs(kGraceMs);
    QSignalSpy expired(&grace, &NodeGrace::expired);
    grace.nodeDown(QStringLiteral("node2"));
    QTest::qWait(kGraceMs / 3);
    grace.nodeUp(QStringLiteral("node2"));
    QTest::qWait(kGraceMs / 3);
    QElapsedTimer sinceDeath;
    sinceDeath.start();
    grace.nodeDown(QStringLiteral("node2"));
    QVERIFY(expired.wait(kWaitMs));
    // The first wait would have ended kGraceMs / 3 after this down.
    QVERIFY2(sinceDeath.elapsed() >= kGraceMs, qPrintable(QString::number(sinceDeath.elapsed())));
    // Barrier: node4's equal wait, started now, ends after anything left of node2's.
    grace.nodeDown(QStringLiteral("node4"));
    QVERIFY(expired.wait(kWaitMs));
    QCOMPARE(nodesOf(expired), (QStringList{QStringLiteral("node2"), QStringLiteral("node4")}));
}

} // namespace switchboard

using namespace switchboard;
SWITCHBOARD_DISPATCHER_TEST_MAIN(TestNodeGrace)
#include "tst_nodegrace.moc"
