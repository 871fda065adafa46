#include "SystemdNotifier.h"

#include <QLoggingCategory>
#include <QTimer>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace switchboard {

Q_LOGGING_CATEGORY(lcSystemd, "switchboard.systemd")

SystemdNotifier::SystemdNotifier(QObject *parent) : QObject(parent)
{
    m_address = qgetenv("NOTIFY_SOCKET");
    if (m_address.isEmpty()) return;
    // Only unix sockets: a path or '@' for the abstract namespace (sd_notify(3)).
    if (m_address[0] != '/' && m_address[0] != '@') {
        qCWarning(lcSystemd).noquote() << "NOTIFY_SOCKET" << m_address << "is not a unix socket; not notifying";
        return;
    }
    if (size_t(m_address.size()) >= sizeof(sockaddr_un::sun_path)) return;
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

SystemdNotifier::~SystemdNotifier()
{
    if (m_fd >= 0) ::close(m_fd);
}

bool SystemdNotifier::send(const QByteArray &state)
{
    if (m_fd < 0) return false;
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, m_address.constData(), size_t(m_address.size()));
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
    const socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(m_address.size()));
    const ssize_t n = ::sendto(m_fd, state.constData(), size_t(state.size()), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr *>(&addr), len);
    if (n < 0) qCWarning(lcSystemd).noquote() << "sd_notify" << state << "failed:" << std::strerror(errno);
    return n == state.size();
}

void SystemdNotifier::ready()
{
    send(QByteArrayLiteral("READY=1\nSTATUS=serving"));
}

void SystemdNotifier::stopping()
{
    if (m_watchdog) m_watchdog->stop();
    send(QByteArrayLiteral("STOPPING=1\nSTATUS=stopping"));
}

void SystemdNotifier::reloading()
{
    timespec ts = {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const qint64 usec = qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
    send(QByteArrayLiteral("RELOADING=1\nMONOTONIC_USEC=") + QByteArray::number(usec));
}

int SystemdNotifier::watchdogIntervalMs() const
{
    // sd_watchdog_enabled(3): WATCHDOG_PID, when set, must name this process.
    const QByteArray pid = qgetenv("WATCHDOG_PID");
    if (!pid.isEmpty() && pid.toLongLong() != qint64(::getpid())) return 0;
    bool ok = false;
    const qint64 usec = qgetenv("WATCHDOG_USEC").toLongLong(&ok);
    if (!ok || usec <= 0) return 0;
    return int(qBound(qint64(1), usec / 2000, qint64(24) * 3600 * 1000));
}

void SystemdNotifier::startWatchdog()
{
    const int interval = watchdogIntervalMs();
    if (m_fd < 0 || interval <= 0 || m_watchdog) return;
    m_watchdog = new QTimer(this);
    m_watchdog->setTimerType(Qt::PreciseTimer);
    m_watchdog->setInterval(interval);
    connect(m_watchdog, &QTimer::timeout, this, [this] { send(QByteArrayLiteral("WATCHDOG=1")); });
    m_watchdog->start();
    send(QByteArrayLiteral("WATCHDOG=1"));
}

} // namespace switchboard
