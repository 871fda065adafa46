#include "UnixSignalWatcher.h"

#include "transport/ShutdownSignal.h"

#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace switchboard {

int UnixSignalWatcher::s_fds[2] = {-1, -1};

UnixSignalWatcher::UnixSignalWatcher(QObject *parent) : QObject(parent)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_fds) != 0) return;
    m_notifier = new QSocketNotifier(s_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        char sig = 0;
        if (::read(s_fds[1], &sig, 1) != 1) return;
        if (sig == SIGHUP)
            Q_EMIT reloadRequested();
        else
            Q_EMIT terminationRequested(sig);
    });
    struct sigaction sa = {};
    sa.sa_handler = &UnixSignalWatcher::handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

UnixSignalWatcher::~UnixSignalWatcher()
{
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGHUP, SIG_DFL);
}

void UnixSignalWatcher::handler(int signal)
{
    if (signal != SIGHUP) ShutdownSignal::raise(); // before the loop hears of it: see ShutdownSignal
    const char sig = char(signal);
    [[maybe_unused]] ssize_t n = ::write(s_fds[0], &sig, 1);
}

} // namespace switchboard
