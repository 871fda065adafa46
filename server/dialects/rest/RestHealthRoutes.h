#pragma once

#include "RestRoutes.h"

#include <QByteArray>

#include <functional>

namespace switchboard {

// /healthz, /readyz and the Prometheus text at /metrics.
class RestHealthRoutes : public RestRoutes
{
public:
    RestHealthRoutes(ChatService *chat, QObject *context, std::function<bool()> isReady,
                     std::function<QByteArray()> extraMetrics);
    void install(Router &router) override;

    QByteArray metrics() const;

private:
    std::function<bool()> m_isReady;
    std::function<QByteArray()> m_extraMetrics;
};

} // namespace switchboard
