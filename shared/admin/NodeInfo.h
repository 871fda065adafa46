#pragma once

#include <QJsonObject>
#include <QString>

namespace switchboard {

// One node of a cluster as the admin feed shows it: what its lease in Redis
// says (id, listen address, start, connection count) and whether that lease
// is still live. A node whose lease ended stays listed as down for a while,
// so an operator sees that it went.
struct NodeInfo
{
    QString id;
    QString listen;         // http://host:port it serves on
    qint64 started = 0;     // ms since epoch
    qint64 connections = 0; // as of its last lease refresh (the attached node: now)
    bool live = true;
    bool self = false;    // the node this console is attached to
    qint64 downSince = 0; // ms since epoch when it was seen gone, 0 while live
    // Live but did not answer the last request for its connection list: its
    // rows are left out of the console's list until it answers again.
    bool reachable = true;

    bool isValid() const { return !id.isEmpty(); }
    QJsonObject toJson() const;
    // Refuses objects without a string id; missing optional fields stay default.
    static bool fromJson(const QJsonObject &o, NodeInfo *out);

    bool operator==(const NodeInfo &o) const;
    bool operator!=(const NodeInfo &o) const { return !(*this == o); }
};

} // namespace switchboard
