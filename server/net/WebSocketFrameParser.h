#pragma once

#include <QByteArray>
#include <QString>
#include <QWebSocketProtocol>

#include <functional>
#include <memory>

class QStringDecoder;

namespace switchboard {

// RFC 6455 frames from a client, turned into whole messages and control frames.
// Pure: no sockets, so every rule (masking, reserved bits, fragmentation,
// control-frame limits, UTF-8, size limits) is tested byte by byte.
class WebSocketFrameParser
{
public:
    struct Message
    {
        enum class Kind { Text, Binary, Ping, Pong, Close };
        Kind kind = Kind::Text;
        QString text;                                            // Text; the close reason for Close
        QByteArray data;                                         // Binary, Ping, Pong payloads
        quint16 closeCode = QWebSocketProtocol::CloseCodeNormal; // Close; 1005 when the peer sent none
    };
    // Returns false when the receiver is gone and parsing must stop.
    using Sink = std::function<bool(Message &&)>;

    explicit WebSocketFrameParser(qint64 maxMessageBytes = 1024 * 1024);
    ~WebSocketFrameParser();

    void setMaxMessageBytes(qint64 bytes) { m_maxMessageBytes = bytes; }
    qint64 maxMessageBytes() const { return m_maxMessageBytes; }

    // Parses every complete frame in data and returns the bytes consumed; an
    // incomplete frame is left for the next call with more bytes. Stops at the
    // first protocol error (hasError()) or when the sink returns false.
    qsizetype feed(const char *data, qsizetype size, const Sink &sink);

    bool hasError() const { return m_error != 0; }
    // The close code the error calls for (1002, 1007 or 1009) and why.
    QWebSocketProtocol::CloseCode errorCode() const { return QWebSocketProtocol::CloseCode(m_error); }
    QString errorString() const { return m_errorString; }
    // Bytes of a fragmented message received so far.
    qsizetype pendingMessageBytes() const { return m_fragments.size(); }

private:
    bool fail(QWebSocketProtocol::CloseCode code, const char *why);
    bool deliverData(int opcode, QByteArray &&payload, const Sink &sink);
    bool deliverControl(int opcode, QByteArray &&payload, const Sink &sink);
    bool checkTextFragment(qsizetype from);

    qint64 m_maxMessageBytes;
    int m_fragmentOpcode = 0; // opcode of the message being reassembled; 0: none
    QByteArray m_fragments;
    // Validates a fragmented text message fragment by fragment, so invalid
    // UTF-8 fails at once, not after the last fragment (Autobahn 6.x "fail
    // fast"). Exists only while such a message is open: idle costs nothing.
    std::unique_ptr<QStringDecoder> m_fragmentUtf8;
    int m_error = 0;
    QString m_errorString;
};

} // namespace switchboard
