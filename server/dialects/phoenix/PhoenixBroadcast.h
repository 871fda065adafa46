#pragma once

#include "PhoenixCodec.h"

namespace switchboard {

// One broadcast (join_ref and ref null), encoded at most once per
// serializer however many sockets receive it.
class PhoenixBroadcast
{
public:
    PhoenixBroadcast(const QString &topic, const QString &event, const QJsonObject &payload)
        : m_message(PhoenixCodec::broadcast(topic, event, payload))
    {
    }

    const PhoenixMessage &message() const { return m_message; }

    const QByteArray &frame(const PhoenixCodec &codec) const
    {
        QByteArray &slot = codec.serializer() == PhoenixSerializer::V2 ? m_v2 : m_v1;
        if (slot.isEmpty()) slot = codec.encodeText(m_message);
        return slot;
    }

private:
    PhoenixMessage m_message;
    mutable QByteArray m_v1, m_v2;
};

} // namespace switchboard
