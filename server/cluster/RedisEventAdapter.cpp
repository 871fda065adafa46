#include "RedisEventAdapter.h"

#include <QSocketNotifier>

#include <hiredis/async.h>

namespace switchboard {

RedisEventAdapter::RedisEventAdapter(QObject *parent) : QObject(parent) {}

RedisEventAdapter::~RedisEventAdapter()
{
    detach();
}

void RedisEventAdapter::attach(redisAsyncContext *context)
{
    detach();
    m_context = context;
    m_read = new QSocketNotifier(context->c.fd, QSocketNotifier::Read, this);
    m_write = new QSocketNotifier(context->c.fd, QSocketNotifier::Write, this);
    m_read->setEnabled(false);
    m_write->setEnabled(false);
    connect(m_read, &QSocketNotifier::activated, this, &RedisEventAdapter::onReadable);
    connect(m_write, &QSocketNotifier::activated, this, &RedisEventAdapter::onWritable);
    context->ev.data = this;
    context->ev.addRead = &RedisEventAdapter::addRead;
    context->ev.delRead = &RedisEventAdapter::delRead;
    context->ev.addWrite = &RedisEventAdapter::addWrite;
    context->ev.delWrite = &RedisEventAdapter::delWrite;
    context->ev.cleanup = &RedisEventAdapter::cleanup;
}

void RedisEventAdapter::detach()
{
    if (m_context) {
        m_context->ev = {};
        m_context = nullptr;
    }
    // Disabled at once (the dispatcher forgets the descriptor before hiredis
    // closes it); deleted later because this may run inside their activated().
    for (QSocketNotifier *n : {m_read, m_write}) {
        if (!n) continue;
        n->setEnabled(false);
        n->deleteLater();
    }
    m_read = m_write = nullptr;
}

void RedisEventAdapter::addRead(void *self)
{
    auto *a = static_cast<RedisEventAdapter *>(self);
    if (a->m_read) a->m_read->setEnabled(true);
}

void RedisEventAdapter::delRead(void *self)
{
    auto *a = static_cast<RedisEventAdapter *>(self);
    if (a->m_read) a->m_read->setEnabled(false);
}

void RedisEventAdapter::addWrite(void *self)
{
    auto *a = static_cast<RedisEventAdapter *>(self);
    if (a->m_write) a->m_write->setEnabled(true);
}

void RedisEventAdapter::delWrite(void *self)
{
    auto *a = static_cast<RedisEventAdapter *>(self);
    if (a->m_write) a->m_write->setEnabled(false);
}

void RedisEventAdapter::cleanup(void *self)
{
    static_cast<RedisEventAdapter *>(self)->detach();
}

void RedisEventAdapter::onReadable()
{
    if (m_context) redisAsyncHandleRead(m_context);
}

void RedisEventAdapter::onWritable()
{
    if (m_context) redisAsyncHandleWrite(m_context);
}

} // namespace switchboard
