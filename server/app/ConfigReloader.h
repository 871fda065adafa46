#pragma once

#include "ServerConfig.h"

#include <QObject>
#include <QStringList>

namespace switchboard {

class Server;
class SystemdNotifier;

// SIGHUP: reads the configuration again from the same sources (config file,
// environment, the original command line, which still wins) and applies what
// can change live: log level, every chat core limit, the allowed origins and
// the TLS certificate. A configuration that does not parse is refused with one
// log line and the old one stays; options that only a restart can change are
// named in a log line.
class ConfigReloader : public QObject
{
    Q_OBJECT
public:
    ConfigReloader(const QStringList &arguments, const ServerConfig &current, Server *server, SystemdNotifier *notifier,
                   QObject *parent = nullptr);

    bool reload();
    const ServerConfig &current() const { return m_current; }

Q_SIGNALS:
    // Emitted after a new configuration was accepted and applied (the TLS
    // certificate is reloaded at the start of every reload, see reload()).
    void reloaded(const ServerConfig &config);

private:
    QStringList restartOnlyChanges(const ServerConfig &next) const;

    QStringList m_arguments;
    ServerConfig m_current;
    Server *m_server;
    SystemdNotifier *m_notifier;
};

} // namespace switchboard
