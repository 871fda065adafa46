#pragma once

#include <QByteArray>
#include <QList>

struct redisReply;

namespace switchboard {

// One Redis reply as a value: deep-copied out of hiredis, so it outlives the
// callback it arrived in and can be queued, stored or emitted.
class RedisReply
{
public:
    enum class Type { Nil, Integer, String, Status, Error, Array };

    RedisReply() = default; // Nil
    static RedisReply integer(qint64 value);
    static RedisReply string(const QByteArray &bytes);
    static RedisReply status(const QByteArray &text);
    static RedisReply error(const QByteArray &message);
    static RedisReply array(const QList<RedisReply> &elements);
    // Deep copy; a null pointer (hiredis's "no reply": connection gone) is Nil.
    static RedisReply fromHiredis(const redisReply *reply);

    Type type() const { return m_type; }
    bool isNil() const { return m_type == Type::Nil; }
    bool isError() const { return m_type == Type::Error; }
    bool isInteger() const { return m_type == Type::Integer; }
    bool isString() const { return m_type == Type::String; }
    bool isStatus() const { return m_type == Type::Status; }
    bool isArray() const { return m_type == Type::Array; }

    qint64 toInteger() const { return m_integer; }
    // The bytes of a String, the text of a Status or the message of an Error.
    QByteArray toByteArray() const { return m_bytes; }
    const QList<RedisReply> &elements() const { return m_elements; }
    // For logs and test failures: 'PONG', "bytes", (integer) 3, (error) ..., [a, b].
    QByteArray toDebugString() const;

private:
    Type m_type = Type::Nil;
    qint64 m_integer = 0;
    QByteArray m_bytes;
    QList<RedisReply> m_elements;
};

} // namespace switchboard
