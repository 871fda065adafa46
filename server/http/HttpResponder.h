#pragma once

#include "HttpResponse.h"

#include <QPointer>

#include <functional>
#include <memory>

namespace switchboard {

class HttpConnection;

// The right to answer one request, now or later (long-polling holds it).
// Copyable; the first respond() wins. If the client went away, respond() does
// nothing and isConnected() is false.
class HttpResponder
{
public:
    HttpResponder() = default;
    explicit HttpResponder(HttpConnection *connection);

    void respond(const HttpResponse &response) const;
    bool isConnected() const;
    bool hasResponded() const { return !m_state || m_state->responded; }
    // Called once if the connection closes before a response was sent.
    void onDisconnected(std::function<void()> fn) const;
    // A header the answer carries unless it sets its own (CORS, added by the router).
    void addDefaultHeader(const QByteArray &name, const QByteArray &value) const;

private:
    friend class HttpConnection;
    struct State
    {
        QPointer<HttpConnection> connection;
        bool responded = false;
        std::function<void()> disconnected;
        QList<QPair<QByteArray, QByteArray>> defaultHeaders;
    };
    std::shared_ptr<State> m_state;
};

} // namespace switchboard
