#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QTcpSocket>
#include <QTest>

#include <optional>

namespace switchboard {

// One parsed HTTP/1.1 response as the client saw it.
struct RawResponse
{
    int status = 0;
    QByteArray reason;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;

    QByteArray header(const QByteArray &lowerName) const
    {
        for (const auto &h : headers)
            if (h.first == lowerName) return h.second;
        return QByteArray();
    }
};

// A raw HTTP client over QTcpSocket for tests that share the event loop with
// the server: it never blocks, it waits by processing events (QTest::qWaitFor).
// Sends bytes exactly as given, so tests can pipeline, split or garble requests.
class HttpTestClient
{
public:
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }

    void send(const QByteArray &raw) { m_socket.write(raw); }

    // The next complete response, or nothing if none arrives within timeoutMs.
    // headResponse: the answer to a HEAD request, which has headers only.
    std::optional<RawResponse> next(int timeoutMs = 5000, bool headResponse = false)
    {
        m_headResponse = headResponse;
        std::optional<RawResponse> out;
        const bool arrived = QTest::qWaitFor(
            [&] {
            m_buffer += m_socket.readAll();
            out = take();
            return out.has_value();
            },
            timeoutMs);
        if (!arrived) {
            m_buffer += m_socket.readAll();
            out = take();
        }
        return out;
    }

    // Bytes received and not yet consumed as a response.
    QByteArray pending()
    {
        m_buffer += m_socket.readAll();
        return m_buffer;
    }

    bool waitForDisconnect(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }

    QTcpSocket &socket() { return m_socket; }

    static QByteArray get(const QByteArray &path, const QByteArray &extraHeaders = QByteArray())
    {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
    }

private:
    bool m_headResponse = false;
    std::optional<RawResponse> take()
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) return std::nullopt;
        RawResponse r;
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        const QList<QByteArray> status = lines.first().trimmed().split(' ');
        if (status.size() < 2) return std::nullopt;
        r.status = status[1].toInt();
        r.reason = lines.first().trimmed().mid(status[0].size() + status[1].size() + 2);
        qint64 length = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) continue;
            r.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
            if (r.headers.last().first == "content-length") length = r.headers.last().second.toLongLong();
        }
        if (m_headResponse) length = 0; // Content-Length describes the GET body not sent
        if (m_buffer.size() < end + 4 + length) return std::nullopt;
        r.body = m_buffer.mid(end + 4, length);
        m_buffer.remove(0, end + 4 + length);
        return r;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

} // namespace switchboard
