#include "RestApi.h"

#include "RestAuthRoutes.h"
#include "RestChannelRoutes.h"
#include "RestConversationRoutes.h"
#include "RestHealthRoutes.h"
#include "RestLegacyRoutes.h"
#include "RestMessageRoutes.h"
#include "RestUploadRoutes.h"
#include "RestUserRoutes.h"
#include "RestWorkspaceRoutes.h"
#include "core/ChatService.h"
#include "core/ClusterPort.h"

namespace switchboard {

RestApi::RestApi(ChatService *chat, const Options &options, QObject *parent) : QObject(parent)
{
    // Installed in this order: the router takes the first pattern that fits
    // ("/users/me" before "/users/{id}", "/messages/reactions" before
    // "/messages/{id}") and lists allowed methods in this order.
    m_groups.push_back(std::make_unique<RestHealthRoutes>(chat, this, options.isReady, options.extraMetrics));
    m_groups.push_back(std::make_unique<RestAuthRoutes>(chat, this));
    m_groups.push_back(std::make_unique<RestUserRoutes>(chat, this));
    m_groups.push_back(std::make_unique<RestWorkspaceRoutes>(chat, this));
    m_groups.push_back(std::make_unique<RestChannelRoutes>(chat, this));
    m_groups.push_back(std::make_unique<RestMessageRoutes>(chat, this));
    m_groups.push_back(std::make_unique<RestConversationRoutes>(chat, this));
    m_groups.push_back(std::make_unique<RestUploadRoutes>(chat, this, options.uploadDir, options.maxUploadBytes));
    m_groups.push_back(std::make_unique<RestLegacyRoutes>(chat, this));
    // A REST client's next request may go to another cluster node: a write
    // answers once the other nodes applied its directory change (docs/cluster.md).
    if (chat) chat->clusterPort()->answerAfterDirectorySync(this);
}

RestApi::~RestApi() = default;

void RestApi::install(Router &router)
{
    for (const auto &group : m_groups) group->install(router);
}

} // namespace switchboard
