#pragma once

#include <QByteArray>
#include <QObject>

class QTimer;

namespace switchboard {

// The sd_notify protocol spoken directly: one datagram per state change to the
// unix socket in $NOTIFY_SOCKET (no libsystemd needed, see README). Without
// that variable (not started by systemd) every call does nothing.
class SystemdNotifier : public QObject
{
    Q_OBJECT
public:
    explicit SystemdNotifier(QObject *parent = nullptr);
    ~SystemdNotifier() override;

    bool isEnabled() const { return m_fd >= 0; }
    void ready();
    void stopping();
    // RELOADING=1 with MONOTONIC_USEC (systemd 253 Type=notify-reload wants it).
    void reloading();
    // Pings WATCHDOG=1 from the event loop at half of $WATCHDOG_USEC, so a
    // stuck loop misses its pings and systemd restarts the service.
    void startWatchdog();
    int watchdogIntervalMs() const;

private:
    bool send(const QByteArray &state);

    int m_fd = -1;
    QByteArray m_address;
    QTimer *m_watchdog = nullptr;
};

} // namespace switchboard
