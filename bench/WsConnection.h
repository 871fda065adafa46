#pragma once

#include <cstdint>
#include <netinet/in.h>
#include <string>

namespace switchboard {

// One client WebSocket over a non-blocking socket driven by the worker's epoll
// loop: TCP connect from a chosen 127.0.0.x source, HTTP upgrade, RFC 6455
// framing (client frames masked with a zero key, which servers must accept),
// ping/close handling. About 200 bytes plus buffers per connection, so one
// process can hold tens of thousands.
class WsConnection
{
public:
    class Listener
    {
    public:
        virtual ~Listener() = default;
        virtual void onUpgraded(WsConnection *c) = 0;
        virtual void onText(WsConnection *c, const char *data, size_t len) = 0;
        virtual void onClosed(WsConnection *c, const char *why) = 0;
    };

    enum class State { Idle, Connecting, Upgrading, Open, Closed };

    WsConnection(Listener *listener, uint64_t tag) : m_listener(listener), m_tag(tag) {}
    ~WsConnection();
    WsConnection(const WsConnection &) = delete;
    WsConnection &operator=(const WsConnection &) = delete;

    // Starts connecting; false (and a Closed state) when the socket cannot even be created.
    bool start(int epollFd, const sockaddr_in &server, const sockaddr_in &source, const std::string &host,
               const std::string &path);
    void handleEvents(uint32_t events);
    void sendText(const std::string &payload);
    // Closes the socket without telling the listener (the caller decided it).
    void abort();

    State state() const { return m_state; }
    uint64_t tag() const { return m_tag; }
    size_t pendingBytes() const { return m_out.size(); }
    // Diagnostic: acknowledge every read at once (TCP_QUICKACK), which hides a
    // server that leaves Nagle on behind the client's delayed ACKs.
    void setQuickAck(bool on) { m_quickAck = on; }

private:
    void fail(const char *why);
    void queue(const char *data, size_t len);
    void flush();
    void updateInterest();
    void onReadable();
    bool parseUpgrade();
    void parseFrames();
    void sendFrame(int opcode, const char *data, size_t len);

    Listener *m_listener;
    uint64_t m_tag;
    int m_epoll = -1;
    int m_fd = -1;
    State m_state = State::Idle;
    bool m_wantWrite = false;
    bool m_quickAck = false;
    std::string m_request;
    std::string m_in;
    std::string m_out;
    std::string m_fragments;
};

} // namespace switchboard
