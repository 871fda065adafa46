#pragma once

#include "ChatProtocol.h"
#include "GroupSpec.h"

#include <netinet/in.h>
#include <string>
#include <vector>

namespace switchboard {

// Everything a generator worker needs, fixed before the coordinator forks it.
struct WorkerSetup
{
    ChatProtocol::Dialect dialect = ChatProtocol::Dialect::FlatJson;
    std::vector<sockaddr_in> servers; // connection i of a group goes to servers[i % n]
    std::vector<std::string> hostHeaders;
    std::vector<sockaddr_in> sources; // 127.0.0.x addresses, round-robin per connection
    std::vector<GroupSpec> groups;
    int workerIndex = 0;
    int workerCount = 1;
    int maxInflight = 128;    // handshakes in progress at once per worker
    size_t contentBytes = 64; // message content length
    int setupTimeoutMs = 30000;
    int openTimeoutMs = 120000; // an "open" command gives up on what is still pending after this
    bool quickAck = false;      // diagnostic, see WsConnection::setQuickAck
    // Presence observers: the first 'observers' connections of group 'observerGroup'
    // track user_status events for the users in 'watchedUserIds'.
    std::string observerGroup = "room";
    int observers = 0;
    std::vector<std::string> watchedUserIds;
    std::vector<int> watchedIdleUsers; // user indices of the idle group that are watched (sorted)
};

} // namespace switchboard
