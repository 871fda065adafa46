#pragma once

#include "net/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QTest>

namespace switchboard {

// Like QTEST_GUILESS_MAIN, but installs the dispatcher exactly as the server's
// main() does: before QCoreApplication, honouring SWITCHBOARD_DISPATCHER.
#define SWITCHBOARD_DISPATCHER_TEST_MAIN(TestObject) \
    int main(int argc, char *argv[])                 \
    {                                                \
        EpollEventDispatcher::installOnMainThread(); \
        QCoreApplication app(argc, argv);            \
        TestObject tc;                               \
        QTEST_SET_MAIN_SOURCE_PATH                   \
        return QTest::qExec(&tc, argc, argv);        \
    }

// The dispatcher these tests expect on the current thread.
inline bool expectEpollDispatcher()
{
    return EpollEventDispatcher::requestedByEnvironment();
}

} // namespace switchboard
