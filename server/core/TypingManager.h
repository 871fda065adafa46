#pragma once

#include <QHash>
#include <QObject>
#include <QTimer>

namespace switchboard {

// Who is typing where. Typing ends by itself when not refreshed within the
// timeout, on an explicit stop, and when the connection that started it goes.
class TypingManager : public QObject
{
    Q_OBJECT
public:
    explicit TypingManager(QObject *parent = nullptr);

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }

    void setTyping(const QString &channelId, const QString &userId, const QString &sessionId, bool typing);
    void clearSession(const QString &sessionId);
    bool isTyping(const QString &channelId, const QString &userId) const;

Q_SIGNALS:
    void typingChanged(const QString &channelId, const QString &userId, bool typing);

private:
    void expire();
    struct Entry
    {
        QString channelId, userId, sessionId;
        qint64 deadline = 0;
    };
    QHash<QString, Entry> m_entries; // key: channel + '/' + user
    QTimer m_sweep;
    int m_timeoutMs = 5000;
};

} // namespace switchboard
