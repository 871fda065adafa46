// @username extraction: what counts as a mention and what does not.

#include "core/MentionParser.h"

#include <QTest>

using namespace switchboard;

class MentionParserTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsMentions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("plain") << "hello @alice" << QStringList{"alice"};
        QTest::newRow("at start") << "@bob hi" << QStringList{"bob"};
        QTest::newRow("several in order") << "@carol and @alice" << QStringList{"carol", "alice"};
        QTest::newRow("trailing full stop") << "thanks @alice." << QStringList{"alice"};
        QTest::newRow("trailing ellipsis") << "well @alice..." << QStringList{"alice"};
        QTest::newRow("trailing dash") << "@alice- see" << QStringList{"alice"};
        QTest::newRow("comma") << "@alice, @bob: hi" << QStringList{"alice", "bob"};
        QTest::newRow("parentheses") << "(cc @alice)" << QStringList{"alice"};
        QTest::newRow("possessive quote") << "@alice's idea" << QStringList{"alice"};
        QTest::newRow("question and exclamation") << "@alice? @bob!" << QStringList{"alice", "bob"};
        QTest::newRow("after punctuation") << "hi:@alice" << QStringList{"alice"};
        QTest::newRow("inner dot and dash kept") << "@j.doe-2 and @x_y" << QStringList{"j.doe-2", "x_y"};
        QTest::newRow("newline separated") << "line\n@alice\n@bob" << QStringList{"alice", "bob"};
        QTest::newRow("digits") << "@007" << QStringList{"007"};
    }

    void findsMentions()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        QCOMPARE(MentionParser::usernames(text), expected);
    }

    void ignoresWhatIsNotAMention_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("email address") << "mail alice@example.com please";
        QTest::newRow("email at start") << "bob@alice.io";
        QTest::newRow("word glued before") << "x@alice";
        QTest::newRow("double at") << "@@alice";
        QTest::newRow("lone at") << "meet @ noon";
        QTest::newRow("at then punctuation") << "@. @- @!";
        QTest::newRow("dash first") << "@-alice";
        QTest::newRow("empty") << "";
        QTest::newRow("no at") << "alice bob";
    }

    void ignoresWhatIsNotAMention()
    {
        QFETCH(QString, text);
        QCOMPARE(MentionParser::usernames(text), QStringList());
    }

    void duplicatesAreReportedOnceIgnoringCase()
    {
        QCOMPARE(MentionParser::usernames(QStringLiteral("@alice @Alice @ALICE. @bob @alice")),
                 QStringList({"alice", "bob"}));
    }

    void emailAndMentionInOneText()
    {
        QCOMPARE(MentionParser::usernames(QStringLiteral("@bob write to alice@example.com, not @carol.")),
                 QStringList({"bob", "carol"}));
    }
};

QTEST_APPLESS_MAIN(MentionParserTest)
#include "tst_mentionparser.moc"
