#include "RedisReply.h"

#include <hiredis/hiredis.h>

namespace switchboard {

RedisReply RedisReply::integer(qint64 value)
{
    RedisReply r;
    r.m_type = Type::Integer;
    r.m_integer = value;
    return r;
}

RedisReply RedisReply::string(const QByteArray &bytes)
{
    RedisReply r;
    r.m_type = Type::String;
    r.m_bytes = bytes;
    return r;
}

RedisReply RedisReply::status(const QByteArray &text)
{
    RedisReply r = string(text);
    r.m_type = Type::Status;
    return r;
}

RedisReply RedisReply::error(const QByteArray &message)
{
    RedisReply r = string(message);
    r.m_type = Type::Error;
    return r;
}

RedisReply RedisReply::array(const QList<RedisReply> &elements)
{
    RedisReply r;
    r.m_type = Type::Array;
    r.m_elements = elements;
    return r;
}

RedisReply RedisReply::fromHiredis(const redisReply *reply)
{
    if (!reply) return RedisReply();
    const QByteArray bytes = reply->str ? QByteArray(reply->str, qsizetype(reply->len)) : QByteArray();
    switch (reply->type) {
    case REDIS_REPLY_INTEGER: return integer(reply->integer);
    case REDIS_REPLY_STRING: return string(bytes);
    case REDIS_REPLY_STATUS: return status(bytes);
    case REDIS_REPLY_ERROR: return error(bytes);
    case REDIS_REPLY_ARRAY: {
        QList<RedisReply> elements;
        elements.reserve(qsizetype(reply->elements));
        for (size_t i = 0; i < reply->elements; ++i) elements.append(fromHiredis(reply->element[i]));
        return array(elements);
    }
    default: return RedisReply();
    }
}

QByteArray RedisReply::toDebugString() const
{
    switch (m_type) {
    case Type::Nil: return QByteArrayLiteral("(nil)");
    case Type::Integer: return QByteArrayLiteral("(integer) ") + QByteArray::number(m_integer);
    case Type::String: return '"' + m_bytes + '"';
    case Type::Status: return '\'' + m_bytes + '\'';
    case Type::Error: return QByteArrayLiteral("(error) ") + m_bytes;
    case Type::Array: {
        QByteArray s = "[";
        for (qsizetype i = 0; i < m_elements.size(); ++i) {
            if (i) s += ", ";
            s += m_elements.at(i).toDebugString();
        }
        return s + ']';
    }
    }
    return QByteArray();
}

} // namespace switchboard
