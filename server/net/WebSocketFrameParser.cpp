#include "WebSocketFrameParser.h"

#include <QStringDecoder>

#include <cstring>

namespace switchboard {

namespace {
enum Opcode { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

bool validCloseCode(quint16 code)
{
    // RFC 6455 7.4: 1004-1006 and 1015 are reserved for reporting, never sent;
    // 1016-2999 are unassigned; 3000-4999 belong to libraries and applications.
    if (code >= 3000 && code <= 4999) return true;
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

bool decodeUtf8(const char *data, qsizetype size, QString *out)
{
    // ConvertInitialBom: a leading U+FEFF is content here, not a byte-order mark.
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    *out = decoder.decode(QByteArrayView(data, size));
    return !decoder.hasError();
}
} // namespace

WebSocketFrameParser::WebSocketFrameParser(qint64 maxMessageBytes) : m_maxMessageBytes(maxMessageBytes) {}

WebSocketFrameParser::~WebSocketFrameParser() = default;

bool WebSocketFrameParser::checkTextFragment(qsizetype from)
{
    if (!m_fragmentUtf8)
        m_fragmentUtf8 = std::make_unique<QStringDecoder>(QStringDecoder::Utf8,
                                                          QStringDecoder::Flag::ConvertInitialBom);
    // Stateful: a code point split across fragments is carried over, not an error.
    const QString part = m_fragmentUtf8->decode(
        QByteArrayView(m_fragments.constData() + from, m_fragments.size() - from));
    if (!m_fragmentUtf8->hasError()) return true;
    return fail(QWebSocketProtocol::CloseCodeWrongDatatype, "text message is not valid UTF-8");
}

bool WebSocketFrameParser::fail(QWebSocketProtocol::CloseCode code, const char *why)
{
    m_error = code;
    m_errorString = QString::fromLatin1(why);
    m_fragments.clear();
    m_fragmentOpcode = 0;
    m_fragmentUtf8.reset();
    return false;
}

qsizetype WebSocketFrameParser::feed(const char *data, qsizetype size, const Sink &sink)
{
    const auto *p = reinterpret_cast<const uchar *>(data);
    qsizetype pos = 0;
    while (!m_error && size - pos >= 2) {
        const uchar b0 = p[pos], b1 = p[pos + 1];
        const bool fin = b0 & 0x80;
        const int opcode = b0 & 0x0F;
        const bool masked = b1 & 0x80;
        quint64 length = b1 & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (size - pos < 4) break;
            length = (quint64(p[pos + 2]) << 8) | p[pos + 3];
            header = 4;
        } else if (length == 127) {
            if (size - pos < 10) break;
            length = 0;
            for (int i = 0; i < 8; ++i) length = (length << 8) | p[pos + 2 + i];
            header = 10;
            if (length >> 63) {
                fail(QWebSocketProtocol::CloseCodeProtocolError, "frame length has its top bit set");
                break;
            }
        }
        // Check everything the header tells before waiting for the payload, so a
        // client announcing a huge frame is stopped at once.
        if (b0 & 0x70) {
            fail(QWebSocketProtocol::CloseCodeProtocolError, "reserved bits set without an extension");
            break;
        }
        if (!masked) {
            fail(QWebSocketProtocol::CloseCodeProtocolError, "client frames must be masked");
            break;
        }
        const bool control = opcode & 0x8;
        if (control) {
            if (opcode != Close && opcode != Ping && opcode != Pong) {
                fail(QWebSocketProtocol::CloseCodeProtocolError, "unknown control opcode");
                break;
            }
            if (!fin) {
                fail(QWebSocketProtocol::CloseCodeProtocolError, "fragmented control frame");
                break;
            }
            if (length > 125) {
                fail(QWebSocketProtocol::CloseCodeProtocolError, "control frame over 125 bytes");
                break;
            }
        } else {
            if (opcode != Continuation && opcode != Text && opcode != Binary) {
                fail(QWebSocketProtocol::CloseCodeProtocolError, "unknown data opcode");
                break;
            }
            if (opcode == Continuation && !m_fragmentOpcode) {
                fail(QWebSocketProtocol::CloseCodeProtocolError, "continuation without a message");
                break;
            }
            if (opcode != Continuation && m_fragmentOpcode) {
                fail(QWebSocketProtocol::CloseCodeProtocolError, "new message inside a fragmented one");
                break;
            }
            if (length > quint64(m_maxMessageBytes)
                || quint64(m_fragments.size()) + length > quint64(m_maxMessageBytes)) {
                fail(QWebSocketProtocol::CloseCodeTooMuchData, "message too big");
                break;
            }
        }
        header += 4;                                                             // masking key
        if (size - pos < header || quint64(size - pos - header) < length) break; // wait for the rest
        const uchar *key = p + pos + header - 4;
        const uchar *src = p + pos + header;
        const qsizetype n = qsizetype(length);
        pos += header + n;

        QByteArray payload;
        uchar *dst;
        if (!control && (opcode == Continuation || !fin)) {
            // Reassemble in place: unmask straight into the fragment buffer.
            const qsizetype old = m_fragments.size();
            m_fragments.resize(old + n);
            dst = reinterpret_cast<uchar *>(m_fragments.data()) + old;
            if (opcode != Continuation) m_fragmentOpcode = opcode;
        } else {
            payload.resize(n);
            dst = reinterpret_cast<uchar *>(payload.data());
        }
        for (qsizetype i = 0; i < n; ++i) dst[i] = src[i] ^ key[i & 3];

        bool more = true;
        if (!control && !fin && m_fragmentOpcode == Text && !checkTextFragment(m_fragments.size() - n)) break;
        if (control) {
            more = deliverControl(opcode, std::move(payload), sink);
        } else if (fin) {
            if (opcode == Continuation) {
                const int kind = m_fragmentOpcode;
                m_fragmentOpcode = 0;
                m_fragmentUtf8.reset(); // deliverData validates the whole message
                QByteArray whole = std::move(m_fragments);
                m_fragments = QByteArray();
                more = deliverData(kind, std::move(whole), sink);
            } else {
                more = deliverData(opcode, std::move(payload), sink);
            }
        }
        if (!more) break;
    }
    return pos;
}

bool WebSocketFrameParser::deliverData(int opcode, QByteArray &&payload, const Sink &sink)
{
    Message m;
    if (opcode == Text) {
        m.kind = Message::Kind::Text;
        if (!decodeUtf8(payload.constData(), payload.size(), &m.text))
            return fail(QWebSocketProtocol::CloseCodeWrongDatatype, "text message is not valid UTF-8");
    } else {
        m.kind = Message::Kind::Binary;
        m.data = std::move(payload);
    }
    return sink(std::move(m));
}

bool WebSocketFrameParser::deliverControl(int opcode, QByteArray &&payload, const Sink &sink)
{
    Message m;
    if (opcode == Ping || opcode == Pong) {
        m.kind = opcode == Ping ? Message::Kind::Ping : Message::Kind::Pong;
        m.data = std::move(payload);
        return sink(std::move(m));
    }
    m.kind = Message::Kind::Close;
    m.closeCode = QWebSocketProtocol::CloseCodeMissingStatusCode;
    if (payload.size() == 1)
        return fail(QWebSocketProtocol::CloseCodeProtocolError, "close frame with a one-byte payload");
    if (payload.size() >= 2) {
        const auto *b = reinterpret_cast<const uchar *>(payload.constData());
        m.closeCode = quint16((b[0] << 8) | b[1]);
        if (!validCloseCode(m.closeCode)) return fail(QWebSocketProtocol::CloseCodeProtocolError, "invalid close code");
        if (!decodeUtf8(payload.constData() + 2, payload.size() - 2, &m.text))
            return fail(QWebSocketProtocol::CloseCodeWrongDatatype, "close reason is not valid UTF-8");
    }
    return sink(std::move(m));
}

} // namespace switchboard
