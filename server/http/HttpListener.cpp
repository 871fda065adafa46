#include "HttpListener.h"

namespace switchboard {

HttpListener::HttpListener(Taker taker, QObject *parent) : QTcpServer(parent), m_taker(std::move(taker)) {}

void HttpListener::incomingConnection(qintptr descriptor)
{
    if (!m_taker(this, descriptor)) QTcpServer::incomingConnection(descriptor);
}

} // namespace switchboard
