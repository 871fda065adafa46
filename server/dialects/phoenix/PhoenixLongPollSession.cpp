#include "PhoenixLongPollSession.h"

#include "core/ChatService.h"
#include "core/Metrics.h"
#include "net/SendBudget.h"
#include "PhoenixErrors.h"
#include "PhoenixLongPollCodec.h"
#include "transport/TimerJitter.h"

namespace switchboard {

PhoenixLongPollSession::PhoenixLongPollSession(ChatService *chat, PhoenixPresenceHub *hub, const User &user,
                                               const QString &token, const PhoenixConnection::Options &options,
                                               const Timing &timing, QObject *parent)
    : Session(QStringLiteral("phoenix"), QStringLiteral("longpoll"), parent)
    , m_chat(chat)
    , m_token(token)
    , m_timing(timing)
    , m_connection(chat, hub, this, this, options)
{
    setUser(user);
    m_window.setSingleShot(true);
    connect(&m_window, &QTimer::timeout, this, [this] { answerHeld(204); });
    m_expiry.setSingleShot(true);
    m_expiry.setTimerType(Qt::PreciseTimer); // jittered later; coarse would round back into bursts
    connect(&m_expiry, &QTimer::timeout, this, [this] {
        if (m_held.hasResponded()) // nobody is waiting on us: the client is gone
            end(QStringLiteral("long-poll session expired"));
        else
            m_expiry.start(TimerJitter::later(m_timing.expiryMs, 0.1));
    });
}

PhoenixLongPollSession::~PhoenixLongPollSession()
{
    if (m_attached) m_chat->detachSession(this);
    setQueued(0);
}

CoreError PhoenixLongPollSession::start()
{
    if (CoreError e = m_chat->attachSession(this)) return e;
    m_attached = true;
    m_expiry.start(TimerJitter::later(m_timing.expiryMs, 0.1));
    return {};
}

HttpResponse PhoenixLongPollSession::jsonResponse(const QByteArray &body, const QByteArray &allowOrigin)
{
    // Always HTTP 200: phoenix.js reads the real status from the body.
    HttpResponse r = HttpResponse::text(200, body, "application/json; charset=utf-8");
    r.setHeader("Cache-Control", "no-store");
    if (!allowOrigin.isEmpty()) r.setHeader("Access-Control-Allow-Origin", allowOrigin);
    return r;
}

void PhoenixLongPollSession::poll(const HttpResponder &responder, const QByteArray &allowOrigin)
{
    if (m_ended) return responder.respond(jsonResponse(PhoenixLongPollCodec::statusResponse(410), allowOrigin));
    if (m_endAfterFlush) {
        answerHeld(204);
        m_held = responder;
        m_heldOrigin = allowOrigin;
        if (!m_endScheduled) {
            flush();
            endAfterGrace();
        }
        return; // held: the 410 comes when the grace ends
    }
    m_expiry.start(TimerJitter::later(m_timing.expiryMs, 0.1));
    answerHeld(204); // a newer poll replaces an older one
    m_held = responder;
    m_heldOrigin = allowOrigin;
    const quint64 serial = ++m_pollSerial;
    responder.onDisconnected([this, serial] {
        // The client gave up on this poll; keep the queue for its next one.
        if (serial != m_pollSerial) return;
        m_held = HttpResponder();
        m_window.stop();
    });
    if (!m_queue.isEmpty()) return flush();
    // Up to a tenth earlier (an empty answer early is harmless; later would
    // near the client's request timeout): polls that began together end apart.
    m_window.start(TimerJitter::earlier(m_timing.windowMs, 0.1));
}

void PhoenixLongPollSession::publish(const QByteArray &body, bool ndjson, const HttpResponder &responder,
                                     const QByteArray &allowOrigin)
{
    if (m_ended || m_endAfterFlush)
        return responder.respond(jsonResponse(PhoenixLongPollCodec::statusResponse(410), allowOrigin));
    m_expiry.start(TimerJitter::later(m_timing.expiryMs, 0.1));
    const auto batch = PhoenixLongPollCodec::splitBatch(body, ndjson, 100, m_connection.codec().limits().maxFrameBytes);
    if (!batch.ok()) {
        noteTraffic(Direction::In, QStringLiteral("malformed batch"), QString(), body.size(), body.left(512));
        return responder.respond(jsonResponse(PhoenixErrors::longPollRefusal(400), allowOrigin));
    }
    for (const auto &frame : batch.frames) {
        if (m_ended) break;
        noteTraffic(Direction::In, QString(), QString(), frame.data.size(), QByteArray());
        if (frame.binary)
            m_connection.handleBinary(frame.data);
        else
            m_connection.handleText(frame.data);
    }
    responder.respond(jsonResponse(PhoenixLongPollCodec::statusResponse(200), allowOrigin));
}

void PhoenixLongPollSession::deliver(const ChatEventPtr &event)
{
    m_connection.deliver(event);
}

void PhoenixLongPollSession::sendFrame(const QByteArray &frame, bool binary, const QString &event,
                                       const QString &channelId)
{
    if (m_ended || binary) // the server never produces binary frames; LongPoll could not carry them as JSON
        return;
    m_queue.append(frame);
    setQueued(m_queueBytes + frame.size());
    noteTraffic(Direction::Out, event, channelId, frame.size(), frame);
    if (const auto v = SendBudget::instance().verdict(m_queueBytes, m_timing.maxQueueBytes);
        v != SendBudget::Verdict::Keep) {
        ++Metrics::instance().httpRejections["slow_reader"];
        return end(QString::fromLatin1(SendBudget::reason(v)));
    }
    // Coalesce everything produced in this event-loop pass into one answer.
    if (!m_held.hasResponded() && !m_flushScheduled) {
        m_flushScheduled = true;
        QTimer::singleShot(0, this, [this] {
            m_flushScheduled = false;
            flush();
        });
    }
}

void PhoenixLongPollSession::setQueued(qint64 bytes)
{
    SendBudget::instance().add(bytes - m_queueBytes);
    m_queueBytes = bytes;
}

void PhoenixLongPollSession::flush()
{
    if (m_held.hasResponded() || m_queue.isEmpty()) return;
    if (!m_held.isConnected()) { // gone without telling us: wait for the next poll
        m_held = HttpResponder();
        return;
    }
    const QByteArray body = PhoenixLongPollCodec::pollResponse(200, m_token, m_queue);
    m_queue.clear();
    setQueued(0);
    m_window.stop();
    HttpResponder held = m_held;
    m_held = HttpResponder();
    held.respond(jsonResponse(body, m_heldOrigin));
}

void PhoenixLongPollSession::answerHeld(int status)
{
    m_window.stop();
    if (m_held.hasResponded()) return;
    HttpResponder held = m_held;
    m_held = HttpResponder();
    held.respond(jsonResponse(status == 410 ? PhoenixLongPollCodec::statusResponse(410)
                                            : PhoenixLongPollCodec::pollResponse(status, m_token),
                              m_heldOrigin));
}

void PhoenixLongPollSession::closeTransport(int, const QString &reason)
{
    end(reason);
}

void PhoenixLongPollSession::disconnectWithReason(const QString &reason)
{
    end(reason);
}

void PhoenixLongPollSession::closeUnauthorized(AuthLoss why, const QString &reason)
{
    Q_UNUSED(why);
    m_connection.pushUnauthorized(reason);
    // Out of the core at once: nothing more is delivered or accepted. The phx_errors go
    // to the held poll, or to the next one if the client is between polls; then the
    // session ends (its next poll gets 410 and the reconnect the 403 of a bad token).
    if (m_attached) {
        m_attached = false;
        m_chat->detachSession(this);
    }
    m_endAfterFlush = true;
    if (m_held.hasResponded()) return; // the expiry timer ends it if no poll comes
    flush();
    endAfterGrace();
}

void PhoenixLongPollSession::endAfterGrace()
{
    // phoenix.js sends its next poll at once but hands the frames of the last
    // answer to the channels only in a later turn, and an answer to that poll
    // (410) cancels frames not yet handed on: the phx_errors would be lost. So
    // the next poll is held a moment before the session ends.
    static constexpr int EndGraceMs = 1000;
    m_endScheduled = true;
    QTimer::singleShot(EndGraceMs, this, [this] { end(QStringLiteral("unauthorized")); });
}

void PhoenixLongPollSession::end(const QString &)
{
    if (m_ended) return;
    m_ended = true;
    m_window.stop();
    m_expiry.stop();
    // 410 to a waiting poll: phoenix.js takes it as "session gone",
    // reconnects and rejoins its channels.
    answerHeld(410);
    if (m_attached) {
        m_attached = false;
        m_chat->detachSession(this);
    }
    Q_EMIT closed(this);
    deleteLater();
}

} // namespace switchboard
