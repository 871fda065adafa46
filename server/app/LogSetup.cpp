#include "LogSetup.h"

#include <QByteArray>
#include <QLoggingCategory>

#include <cstdio>
#include <sys/stat.h>

namespace switchboard {

namespace {

// sd-daemon(3) prefixes: <3> error, <4> warning, <6> info, <7> debug.
void journalHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const char *prio = "<6>";
    switch (type) {
    case QtDebugMsg: prio = "<7>"; break;
    case QtInfoMsg: prio = "<6>"; break;
    case QtWarningMsg: prio = "<4>"; break;
    case QtCriticalMsg: prio = "<3>"; break;
    case QtFatalMsg: prio = "<2>"; break;
    }
    const QByteArray text = message.toUtf8();
    std::fprintf(stderr, "%s%s: %s\n", prio, context.category ? context.category : "default", text.constData());
    std::fflush(stderr);
}

} // namespace

bool LogSetup::toJournal()
{
    // "dev:inode" of the stream systemd connected; only trust it when stderr
    // still is that stream (a shell started from the unit inherits the variable).
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    const int colon = stream.indexOf(':');
    if (colon <= 0) return false;
    struct stat st = {};
    if (::fstat(2, &st) != 0) return false;
    return stream.left(colon).toULongLong() == quint64(st.st_dev)
        && stream.mid(colon + 1).toULongLong() == quint64(st.st_ino);
}

void LogSetup::install()
{
    if (toJournal()) {
        qInstallMessageHandler(journalHandler);
        return;
    }
    qSetMessagePattern(QStringLiteral(
        "%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}%{if-warning}warning%{endif}%{if-critical}error%{endif} %{category}: %{message}"));
}

void LogSetup::setLevel(const QString &level)
{
    QString rules = QStringLiteral("qt.*=false\n");
    if (level == QLatin1String("info"))
        rules += QStringLiteral("*.debug=false\n");
    else if (level == QLatin1String("warning"))
        rules += QStringLiteral("*.debug=false\n*.info=false\n");
    else if (level == QLatin1String("error"))
        rules += QStringLiteral("*.debug=false\n*.info=false\n*.warning=false\n");
    QLoggingCategory::setFilterRules(rules);
}

} // namespace switchboard
