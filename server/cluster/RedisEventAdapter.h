#pragma once

#include <QObject>

struct redisAsyncContext;
class QSocketNotifier;

namespace switchboard {

// Runs one hiredis async context on the thread's Qt event dispatcher (on the
// server, EpollEventDispatcher): a read and a write QSocketNotifier on the
// context's descriptor, switched on and off by hiredis's ev hooks. No thread.
// Not hiredis's own adapters/qt.h: it declares `private slots:` (our build has
// QT_NO_KEYWORDS), creates and deletes a notifier each time hiredis starts or
// stops writing, and deletes them inside their own activation.
class RedisEventAdapter : public QObject
{
    Q_OBJECT

public:
    explicit RedisEventAdapter(QObject *parent = nullptr);
    ~RedisEventAdapter() override;

    // Installs the hooks on `context`. hiredis calls cleanup when it frees the
    // context; after that (or detach()) this adapter never touches it again.
    void attach(redisAsyncContext *context);
    // Removes the hooks and the notifiers without freeing the context.
    void detach();
    bool isAttached() const { return m_context != nullptr; }

private:
    static void addRead(void *self);
    static void delRead(void *self);
    static void addWrite(void *self);
    static void delWrite(void *self);
    static void cleanup(void *self);

    void onReadable();
    void onWritable();

    redisAsyncContext *m_context = nullptr;
    QSocketNotifier *m_read = nullptr;
    QSocketNotifier *m_write = nullptr;
};

} // namespace switchboard
