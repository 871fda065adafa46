#pragma once

#include <QObject>

class QSocketNotifier;

namespace switchboard {

// Turns SIGTERM/SIGINT (and SIGHUP, the reload request) into Qt signals through a self-pipe, since nothing
// but async-signal-safe calls may run inside the handler.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signal);
    void reloadRequested();

private:
    static void handler(int signal);
    static int s_fds[2];
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace switchboard
