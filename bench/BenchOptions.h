#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace switchboard {

// Command-line settings of one generator run (see --help).
struct BenchOptions
{
    QString host = QStringLiteral("127.0.0.1"); // the first --url: its /metrics are scraped
    int port = 8000;
    // Every --url (a cluster's nodes): connection i of a group goes to server i mod n.
    QList<QPair<QString, int>> servers;
    QString dialect = QStringLiteral("flatjson");
    qint64 serverPid = 0;     // the first --server-pid
    QList<qint64> serverPids; // all of them: CPU and RSS are summed over the nodes
    QString planFile;
    QString label;
    QString outFile;
    int workers = 2;
    int sources = 4;
    int maxInflight = 128;
    int contentBytes = 64;
    int window = 200;
    int maxServerConnections = 19500;
    QStringList scenarios{QStringLiteral("latency"), QStringLiteral("fanout"),    QStringLiteral("memory"),
                          QStringLiteral("churn"),   QStringLiteral("workspace"), QStringLiteral("bigfanout"),
                          QStringLiteral("ingest")};
    int roomSize = 100;
    int roomPublishers = 10;
    int bigRoomSize = 10000;
    int bigRoomPublishers = 10;
    QList<int> idleLevels{1000, 10000, 19000};
    QList<int> latencyIdle{0, 10000, 19000};
    double latencyRate = 200;
    double latencySeconds = 10;
    QList<int> fanoutRates{1000, 2000, 4000, 8000, 16000, 32000};
    QList<int> bigFanoutRates{10, 20, 40, 80, 160, 320};
    int fanoutIdle = 10000;
    double stepSeconds = 3;
    int ingestPublishers = 16;
    QList<int> ingestWindows{32, 128, 512};
    double ingestSeconds = 10;
    double settleSeconds = 2;
    bool quickAck = false;
    // The room's connections in a generator process of their own, so the
    // crowd's opening and closing never delays what the room measures.
    bool roomProcess = false;
    double openTimeoutSeconds = 120;
    double drainSeconds = 30;
    // churn
    QList<int> churnWaves{10000, 19000};
    double churnQuietSeconds = 5;
    double convergeSeconds = 30;
    int churnInflight = 512;
    // workspace (per user per workday; see bench/README.md for the sources)
    double wsMessagesPerDay = 40;
    double wsTypingPerDay = 80;
    double wsReadsPerDay = 60;
    double wsReactionsPerDay = 8;
    double workdayHours = 8;
    double compression = 30;
    double workspaceSeconds = 240;
    // --workspace-layout U,C,SEED: print the layout JSON and exit
    QString layoutSpec;

    bool wants(const char *scenario) const { return scenarios.contains(QLatin1String(scenario)); }
    // Fills the options from argv; on error or --help prints and returns false with *exitCode set.
    bool parse(const QStringList &args, int *exitCode);
};

} // namespace switchboard
