#pragma once

#include "AdminCommand.h"
#include "AdminResult.h"
#include "ChannelInfo.h"
#include "ConnectionInfo.h"
#include "NodeInfo.h"
#include "ServerStats.h"
#include "TrafficEvent.h"
#include "TrafficFilter.h"

#include <QList>
#include <QStringList>

namespace switchboard {

// One decoded admin-feed message. Which fields are set depends on the type;
// see docs/admin.md for the wire shapes.
struct AdminMessage
{
    // SnapshotPart: a big snapshot in slices ("snapshot_part"), see AdminSnapshotAssembler.
    enum class Type { Invalid, Snapshot, Delta, Traffic, Result, Audit, Error, Command, SnapshotPart };

    Type type = Type::Invalid;

    // Snapshot, SnapshotPart
    int protocol = 0;
    QString server;
    TrafficFilter trafficFilter;

    // SnapshotPart: its index from 0, and whether it is the last one (which
    // carries the stats).
    int part = 0;
    bool lastPart = false;

    // Snapshot (all), SnapshotPart (a slice) and Delta (changed or new)
    QList<ConnectionInfo> connections;
    QList<ChannelInfo> channels;
    bool hasStats = false;
    ServerStats stats;

    // Snapshot, the last SnapshotPart and Delta (when it changed): the
    // cluster's nodes, the whole list; absent on a server without a cluster.
    bool hasNodes = false;
    QList<NodeInfo> nodes;

    // Delta
    QStringList removedConnections;
    QStringList removedChannels;

    // Traffic
    QList<TrafficEvent> traffic;
    qint64 dropped = 0; // events left out since the previous batch

    // Result, Audit
    AdminResult result;

    // Error
    QString errorCode;
    QString errorMessage;

    // Command
    AdminCommand command;
};

} // namespace switchboard
