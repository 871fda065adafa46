#include "HttpResponder.h"

#include "HttpConnection.h"

HttpResponder::HttpResponder(HttpConnection *connection) : m_state(std::make_shared<State>())
{
    m_state->connection = connection;
}

void HttpResponder::respond(const HttpResponse &response) const
{
    if (!m_state || m_state->responded) return;
    m_state->responded = true;
    m_state->disconnected = nullptr;
    if (m_state->connection) m_state->connection->respond(response);
}

bool HttpResponder::isConnected() const
{
    return m_state && m_state->connection && m_state->connection->isOpen();
}

void HttpResponder::onDisconnected(std::function<void()> fn) const
{
    if (m_state) m_state->disconnected = std::move(fn);
}
