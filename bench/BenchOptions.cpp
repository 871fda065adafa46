#include "BenchOptions.h"

#include <QCommandLineParser>
#include <QUrl>

#include <cstdio>

namespace switchboard {

static bool intList(const QString &text, QList<int> *out)
{
    QList<int> v;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int n = part.trimmed().toInt(&ok);
        if (!ok || n < 0) return false;
        v.append(n);
    }
    *out = v;
    return true;
}

bool BenchOptions::parse(const QStringList &args, int *exitCode)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "switchboard-bench: WebSocket load generator for Switchboard and its peers.\n"
        "Scenarios: latency, fanout, memory (includes connection rate), churn, workspace, bigfanout, ingest."));
    p.addHelpOption();
    auto opt = [&p](const char *name, const char *desc, const char *value, const QString &def = QString()) {
        QCommandLineOption o(QLatin1String(name), QLatin1String(desc), QLatin1String(value), def);
        p.addOption(o);
    };
    opt("url",
        "Server base URL (ws://127.0.0.1:8000); a comma-separated list spreads each group's connections over"
        " a cluster's nodes (connection i to URL i mod n).",
        "URL", QStringLiteral("ws://127.0.0.1:8000"));
    opt("dialect", "flatjson or socketio.", "NAME", dialect);
    opt("server-pid", "Process whose CPU and RSS are reported (a comma-separated list: summed).", "PID");
    opt("plan", "JSON file with the tokens and channel ids of each group (bench/provision.mjs writes it).", "FILE");
    opt("label", "Name of the target in the results.", "TEXT");
    opt("out", "Write the results JSON here (default stdout).", "FILE");
    opt("workers", "Generator processes.", "N", QString::number(workers));
    opt("sources", "Source addresses 127.0.0.1 .. 127.0.0.N.", "N", QString::number(sources));
    opt("max-inflight", "Handshakes in progress at once per worker.", "N", QString::number(maxInflight));
    opt("content-bytes", "Message content length.", "N", QString::number(contentBytes));
    opt("window", "Unacknowledged messages allowed per publisher (open loop).", "N", QString::number(window));
    opt("max-server-connections", "Never hold more connections than this against the server.", "N",
        QString::number(maxServerConnections));
    opt("scenarios", "Comma-separated scenarios to run.", "LIST", scenarios.join(QLatin1Char(',')));
    opt("room-size", "Members of the small room.", "N", QString::number(roomSize));
    opt("room-publishers", "Publishers in the small room.", "N", QString::number(roomPublishers));
    opt("big-room-size", "Members of the big room.", "N", QString::number(bigRoomSize));
    opt("big-room-publishers", "Publishers in the big room.", "N", QString::number(bigRoomPublishers));
    opt("idle-levels", "Idle connection counts for the memory scenario.", "LIST", QStringLiteral("1000,10000,19000"));
    opt("latency-idle", "Idle connections beside the latency runs.", "LIST", QStringLiteral("0,10000,19000"));
    opt("latency-rate", "Messages per second in the latency runs.", "N", QString::number(latencyRate));
    opt("latency-seconds", "Duration of each latency run.", "S", QString::number(latencySeconds));
    opt("fanout-rates", "Offered messages/s steps in the small room.", "LIST",
        QStringLiteral("1000,2000,4000,8000,16000,32000"));
    opt("big-fanout-rates", "Offered messages/s steps in the big room.", "LIST", QStringLiteral("10,20,40,80,160,320"));
    opt("fanout-idle", "Idle connections beside the second fan-out pass (0: skip it).", "N",
        QString::number(fanoutIdle));
    opt("step-seconds", "Duration of each fan-out step.", "S", QString::number(stepSeconds));
    opt("ingest-publishers", "Publishers in the ingest run (one channel each).", "N",
        QString::number(ingestPublishers));
    opt("ingest-windows", "Messages in flight per ingest publisher, one step per value.", "LIST",
        QStringLiteral("32,128,512"));
    opt("ingest-seconds", "Duration of the ingest run.", "S", QString::number(ingestSeconds));
    opt("open-timeout-seconds", "Give up opening the rest of a group after this long.", "S",
        QString::number(openTimeoutSeconds));
    opt("drain-seconds", "Longest wait for queued deliveries after a load step.", "S", QString::number(drainSeconds));
    opt("settle-seconds", "Pause before reading memory after a ramp.", "S", QString::number(settleSeconds));
    opt("churn-waves", "Distinct users connecting (then all dropping) per churn wave.", "LIST",
        QStringLiteral("10000,19000"));
    opt("churn-quiet-seconds", "Quiet room measurement before the churn waves.", "S",
        QString::number(churnQuietSeconds));
    opt("converge-seconds", "Longest wait for presence convergence after a wave.", "S",
        QString::number(convergeSeconds));
    opt("churn-inflight", "Handshakes in progress at once per worker during a churn wave.", "N",
        QString::number(churnInflight));
    opt("ws-messages-per-day", "Workspace: messages per user per workday.", "N", QString::number(wsMessagesPerDay));
    opt("ws-typing-per-day", "Workspace: typing indicators per user per workday.", "N",
        QString::number(wsTypingPerDay));
    opt("ws-reads-per-day", "Workspace: read receipts per user per workday.", "N", QString::number(wsReadsPerDay));
    opt("ws-reactions-per-day", "Workspace: reactions per user per workday.", "N", QString::number(wsReactionsPerDay));
    opt("workday-hours", "Workspace: length of the workday the per-day rates refer to.", "H",
        QString::number(workdayHours));
    opt("compression", "Workspace: time compression factor (simulated seconds per real second).", "X",
        QString::number(compression));
    opt("workspace-seconds", "Workspace: real duration of the run.", "S", QString::number(workspaceSeconds));
    opt("workspace-layout",
        "Print the workspace membership layout for USERS,CHANNELS,SEED as JSON and exit (provision.mjs uses it).",
        "SPEC");

    opt("room-process",
        "on: the room's connections get a generator process of their own (beside --workers), so opening and "
        "closing the crowd never delays the room's measurement; auto: on for a churn-only run.",
        "on|off|auto", QStringLiteral("auto"));
    p.addOption(
        QCommandLineOption(QStringLiteral("tcp-quickack"),
                           QStringLiteral("Diagnostic: ACK every read at once (unmasks Nagle on the server side).")));
    if (!p.parse(args)) {
        fprintf(stderr, "%s\n", qPrintable(p.errorText()));
        *exitCode = 2;
        return false;
    }
    if (p.isSet(QStringLiteral("help"))) {
        printf("%s", qPrintable(p.helpText()));
        *exitCode = 0;
        return false;
    }
    auto fail = [exitCode](const QString &what) {
        fprintf(stderr, "switchboard-bench: %s\n", qPrintable(what));
        *exitCode = 2;
        return false;
    };
    layoutSpec = p.value(QStringLiteral("workspace-layout"));
    if (!layoutSpec.isEmpty()) return true;
    for (const QString &each : p.value(QStringLiteral("url")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QUrl url(each.trimmed());
        if (!url.isValid() || url.host().isEmpty()) return fail(QStringLiteral("bad --url %1").arg(each));
        servers.append({url.host(), url.port(url.scheme() == QLatin1String("wss") ? 443 : 80)});
    }
    if (servers.isEmpty()) return fail(QStringLiteral("bad --url"));
    host = servers.first().first;
    port = servers.first().second;
    dialect = p.value(QStringLiteral("dialect"));
    if (dialect != QLatin1String("flatjson") && dialect != QLatin1String("socketio"))
        return fail(QStringLiteral("bad --dialect"));
    quickAck = p.isSet(QStringLiteral("tcp-quickack"));
    const QString roomProc = p.value(QStringLiteral("room-process"));
    if (roomProc != QLatin1String("on") && roomProc != QLatin1String("off") && roomProc != QLatin1String("auto"))
        return fail(QStringLiteral("bad --room-process %1").arg(roomProc));
    for (const QString &each : p.value(QStringLiteral("server-pid")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 pid = each.trimmed().toLongLong(&ok);
        if (!ok || pid <= 0) return fail(QStringLiteral("bad --server-pid %1").arg(each));
        serverPids.append(pid);
    }
    serverPid = serverPids.isEmpty() ? 0 : serverPids.first();
    planFile = p.value(QStringLiteral("plan"));
    if (planFile.isEmpty()) return fail(QStringLiteral("--plan is required"));
    label = p.value(QStringLiteral("label"));
    if (label.isEmpty()) label = dialect;
    outFile = p.value(QStringLiteral("out"));
    scenarios = p.value(QStringLiteral("scenarios")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    // auto: only for a churn-only run (as scripts/bench.sh runs it), where the
    // room is light; fanout's room needs every generator process.
    roomProcess = roomProc == QLatin1String("on")
               || (roomProc == QLatin1String("auto") && scenarios == QStringList{QStringLiteral("churn")});

    struct IntOpt
    {
        const char *name;
        int *target;
        int min;
    };
    const IntOpt ints[] = {
        {"workers", &workers, 1},
        {"sources", &sources, 1},
        {"max-inflight", &maxInflight, 1},
        {"content-bytes", &contentBytes, 32},
        {"window", &window, 1},
        {"max-server-connections", &maxServerConnections, 1},
        {"room-size", &roomSize, 1},
        {"room-publishers", &roomPublishers, 1},
        {"big-room-size", &bigRoomSize, 1},
        {"big-room-publishers", &bigRoomPublishers, 1},
        {"fanout-idle", &fanoutIdle, 0},
        {"ingest-publishers", &ingestPublishers, 1},
        {"churn-inflight", &churnInflight, 1},
    };
    for (const IntOpt &o : ints) {
        bool ok = false;
        const int v = p.value(QLatin1String(o.name)).toInt(&ok);
        if (!ok || v < o.min) return fail(QStringLiteral("bad --%1").arg(QLatin1String(o.name)));
        *o.target = v;
    }
    struct RealOpt
    {
        const char *name;
        double *target;
    };
    const RealOpt reals[] = {{"latency-rate", &latencyRate},
                             {"latency-seconds", &latencySeconds},
                             {"step-seconds", &stepSeconds},
                             {"ingest-seconds", &ingestSeconds},
                             {"settle-seconds", &settleSeconds},
                             {"open-timeout-seconds", &openTimeoutSeconds},
                             {"drain-seconds", &drainSeconds},
                             {"churn-quiet-seconds", &churnQuietSeconds},
                             {"converge-seconds", &convergeSeconds},
                             {"ws-messages-per-day", &wsMessagesPerDay},
                             {"ws-typing-per-day", &wsTypingPerDay},
                             {"ws-reads-per-day", &wsReadsPerDay},
                             {"ws-reactions-per-day", &wsReactionsPerDay},
                             {"workday-hours", &workdayHours},
                             {"compression", &compression},
                             {"workspace-seconds", &workspaceSeconds}};
    for (const RealOpt &o : reals) {
        bool ok = false;
        const double v = p.value(QLatin1String(o.name)).toDouble(&ok);
        if (!ok || v < 0) return fail(QStringLiteral("bad --%1").arg(QLatin1String(o.name)));
        *o.target = v;
    }
    struct ListOpt
    {
        const char *name;
        QList<int> *target;
    };
    const ListOpt lists[] = {{"idle-levels", &idleLevels},       {"latency-idle", &latencyIdle},
                             {"fanout-rates", &fanoutRates},     {"big-fanout-rates", &bigFanoutRates},
                             {"ingest-windows", &ingestWindows}, {"churn-waves", &churnWaves}};
    for (const ListOpt &o : lists)
        if (!intList(p.value(QLatin1String(o.name)), o.target))
            return fail(QStringLiteral("bad --%1").arg(QLatin1String(o.name)));
    if (workdayHours <= 0) return fail(QStringLiteral("bad --workday-hours"));
    if (sources > 254) return fail(QStringLiteral("--sources must be at most 254"));
    if (roomPublishers > roomSize || bigRoomPublishers > bigRoomSize)
        return fail(QStringLiteral("more publishers than room members"));
    return true;
}

} // namespace switchboard
