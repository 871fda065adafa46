#pragma once

#include <QByteArray>

namespace switchboard {

// Client-side RFC 6455 frames, built byte by byte for the WebSocket suites:
// masked or not, any reserved bits, and any of the three length encodings.
class ClientFrame
{
public:
    enum Opcode : uchar { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

    // lengthForm 0 picks the shortest encoding; 126 or 127 forces the 16- or 64-bit one.
    static QByteArray build(uchar opcode, const QByteArray &payload, bool fin, bool masked, uchar rsv, int lengthForm,
                            const QByteArray &key)
    {
        QByteArray out;
        out.append(char((fin ? 0x80 : 0) | (rsv & 0x70) | (opcode & 0x0F)));
        const quint64 n = quint64(payload.size());
        const uchar maskBit = masked ? 0x80 : 0;
        const int form = lengthForm ? lengthForm : n < 126 ? 0 : n <= 0xFFFF ? 126 : 127;
        if (form == 0) {
            out.append(char(maskBit | n));
        } else if (form == 126) {
            out.append(char(maskBit | 126));
            out.append(char(n >> 8));
            out.append(char(n & 0xFF));
        } else {
            out.append(char(maskBit | 127));
            for (int i = 7; i >= 0; --i) out.append(char((n >> (8 * i)) & 0xFF));
        }
        if (!masked) return out.append(payload);
        out += key;
        for (qsizetype i = 0; i < payload.size(); ++i) out.append(char(payload.at(i) ^ key.at(i & 3)));
        return out;
    }

    // A close frame's payload: the code in network order, then the reason.
    static QByteArray closePayload(quint16 code, const QByteArray &reason = QByteArray())
    {
        QByteArray p;
        p.append(char(code >> 8));
        p.append(char(code & 0xFF));
        return p.append(reason);
    }
};

} // namespace switchboard
