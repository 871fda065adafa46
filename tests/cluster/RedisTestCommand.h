#pragma once

#include "cluster/RedisConnection.h"
#include "cluster/RedisReply.h"

#include <QList>
#include <QTest>

namespace switchboard {

constexpr int kWaitMs = 15000; // a guard against hangs, never a measured limit

// Runs one command and waits for its reply (the cluster suites' round trip).
inline RedisReply run(RedisConnection &c, const QList<QByteArray> &argv)
{
    bool done = false;
    RedisReply out;
    c.command(argv, [&](const RedisReply &r) {
        out = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, kWaitMs)) return RedisReply::error("TEST no reply");
    return out;
}

} // namespace switchboard
