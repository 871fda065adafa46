#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace switchboard {

class ChatService;
class RestRoutes;
class Router;

// The REST dialect: the /api/v1 (docs/api/rest.md)/..., seed 001's aliases (/api/...),
// health, readiness and Prometheus metrics. Each resource area is one
// RestRoutes group; mutations go through ChatService, so they broadcast in
// every dialect exactly like socket commands. Errors come from RestErrors.
class RestApi : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString uploadDir;
        qint64 maxUploadBytes = 10 * 1024 * 1024;
        std::function<bool()> isReady;
        std::function<QByteArray()> extraMetrics; // appended to /metrics (dialects, admin)
    };

    RestApi(ChatService *chat, const Options &options, QObject *parent = nullptr);
    ~RestApi() override;
    void install(Router &router);

private:
    std::vector<std::unique_ptr<RestRoutes>> m_groups;
};

} // namespace switchboard
