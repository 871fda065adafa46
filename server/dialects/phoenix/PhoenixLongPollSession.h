#pragma once

#include "core/CoreError.h"
#include "http/HttpResponder.h"
#include "PhoenixConnection.h"
#include "PhoenixTransport.h"
#include "core/Session.h"

#include <QTimer>

namespace switchboard {

// A Phoenix socket over phoenix.js's LongPoll transport (docs/api/phoenix.md#long-poll):
// outgoing frames queue until a GET is held, POSTs carry batches of incoming
// frames. There are no heartbeats; a session nobody polls expires.
class PhoenixLongPollSession : public Session, private PhoenixTransport
{
    Q_OBJECT
public:
    struct Timing
    {
        int windowMs = 10000; // how long a GET is held (Phoenix: 10 s)
        int expiryMs = 15000; // no request for this long ends the session
        qint64 maxQueueBytes = 4 * 1024 * 1024;
    };

    PhoenixLongPollSession(ChatService *chat, PhoenixPresenceHub *hub, const User &user, const QString &token,
                           const PhoenixConnection::Options &options, const Timing &timing, QObject *parent = nullptr);
    ~PhoenixLongPollSession() override;

    // Registers with the core; on failure nothing is attached.
    CoreError start();
    const QString &token() const { return m_token; }

    // `allowOrigin`: the CORS origin to echo on the answer (empty: none).
    void poll(const HttpResponder &responder, const QByteArray &allowOrigin);
    void publish(const QByteArray &body, bool ndjson, const HttpResponder &responder, const QByteArray &allowOrigin);

    void deliver(const ChatEventPtr &event) override;
    void disconnectWithReason(const QString &reason) override;
    // phx_error on every joined topic to the waiting poll, then the session ends.
    void closeUnauthorized(AuthLoss why, const QString &reason) override;
    qint64 sendQueueBytes() const override { return m_queueBytes; }

    static HttpResponse jsonResponse(const QByteArray &body, const QByteArray &allowOrigin);

private:
    void setQueued(qint64 bytes);
    void sendFrame(const QByteArray &frame, bool binary, const QString &event, const QString &channelId) override;
    void closeTransport(int code, const QString &reason) override;
    void flush();
    void answerHeld(int status);
    void end(const QString &reason);
    void endAfterGrace();

    ChatService *m_chat;
    QString m_token;
    Timing m_timing;
    PhoenixConnection m_connection;
    QList<QByteArray> m_queue;
    qint64 m_queueBytes = 0; // counted in SendBudget too (setQueued)
    HttpResponder m_held;
    QByteArray m_heldOrigin;
    quint64 m_pollSerial = 0;
    QTimer m_window;
    QTimer m_expiry;
    bool m_endAfterFlush = false; // unauthorized: the next poll takes the queue, then the session ends
    bool m_endScheduled = false;  // the queue went out; the session ends after EndGraceMs
    bool m_attached = false;
    bool m_ended = false;
    bool m_flushScheduled = false;
};

} // namespace switchboard
