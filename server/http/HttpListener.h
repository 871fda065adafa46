#pragma once

#include <QTcpServer>

#include <functional>

namespace switchboard {

// A plain TCP listener that offers each accepted descriptor to a taker before
// Qt wraps it in a QTcpSocket: HttpServer completes a WebSocket upgrade whose
// head is already waiting straight on the descriptor (HttpServer::takeAccepted),
// and whatever it declines takes QTcpServer's usual pending-connection path.
class HttpListener : public QTcpServer
{
    Q_OBJECT
public:
    using Taker = std::function<bool(QTcpServer *listener, qintptr descriptor)>;
    explicit HttpListener(Taker taker, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Taker m_taker;
};

} // namespace switchboard
