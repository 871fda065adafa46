#include "HttpResponder.h"

#include "HttpConnection.h"

namespace switchboard {

HttpResponder::HttpResponder(HttpConnection *connection) : m_state(std::make_shared<State>())
{
    m_state->connection = connection;
}

void HttpResponder::respond(const HttpResponse &response) const
{
    if (!m_state || m_state->responded) return;
    m_state->responded = true;
    m_state->disconnected = nullptr;
    if (!m_state->connection) return;
    if (m_state->defaultHeaders.isEmpty()) return m_state->connection->respond(response);
    HttpResponse r = response;
    for (const auto &h : std::as_const(m_state->defaultHeaders)) {
        bool set = false;
        for (const auto &own : std::as_const(r.headers))
            set = set || own.first.compare(h.first, Qt::CaseInsensitive) == 0;
        if (!set) r.headers.append(h);
    }
    m_state->connection->respond(r);
}

void HttpResponder::addDefaultHeader(const QByteArray &name, const QByteArray &value) const
{
    if (!m_state) return;
    for (auto &h : m_state->defaultHeaders)
        if (h.first == name) return void(h.second = value);
    m_state->defaultHeaders.append({name, value});
}

bool HttpResponder::isConnected() const
{
    return m_state && m_state->connection && m_state->connection->isOpen();
}

void HttpResponder::onDisconnected(std::function<void()> fn) const
{
    if (m_state) m_state->disconnected = std::move(fn);
}

} // namespace switchboard
