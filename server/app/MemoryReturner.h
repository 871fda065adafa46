#pragma once

#include <QObject>
#include <QTimer>

namespace switchboard {

class ChatService;

// Gives memory back to the system after a crowd has left. glibc keeps the
// heap pages of freed connections for reuse and returns them only from the top
// of the heap, so after a mass disconnect RSS stayed at its peak. Every
// second this looks at the connection count; once it has fallen far below its
// peak, malloc_trim() hands the free pages back (rarely, but 40-70 ms each
// after 19,000 connections left: docs/benchmarks-scale.md).
class MemoryReturner : public QObject
{
    Q_OBJECT
public:
    explicit MemoryReturner(ChatService *chat, QObject *parent = nullptr);

    // Often enough that the heap is back soon after a crowd left; a trim only
    // follows a halving of the connections (at most a few per mass disconnect).
    static constexpr int IntervalMs = 250;
    static constexpr int MinDrop = 1000; // connections gone since the peak

private:
    void check();
    void trim(qsizetype left);

    ChatService *m_chat;
    QTimer m_timer;
    qsizetype m_peak = 0;
    qsizetype m_last = 0;     // the count at the previous check
    bool m_trimAgain = false; // a drop was trimmed: trim once more when it settles
};

} // namespace switchboard
