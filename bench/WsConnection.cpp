#include "WsConnection.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace switchboard {

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

WsConnection::~WsConnection()
{
    abort();
}

bool WsConnection::start(int epollFd, const sockaddr_in &server, const sockaddr_in &source, const std::string &host,
                         const std::string &path)
{
    m_epoll = epollFd;
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (m_fd < 0) {
        m_state = State::Closed;
        return false;
    }
    const int one = 1;
    setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Pick the port at connect() time, per destination: without this every
    // bind() would take a port of its own and one source address would run out
    // of ephemeral ports long before 20k connections.
    setsockopt(m_fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (source.sin_addr.s_addr != htonl(INADDR_ANY)
        && bind(m_fd, reinterpret_cast<const sockaddr *>(&source), sizeof source) != 0) {
        close(m_fd);
        m_fd = -1;
        m_state = State::Closed;
        return false;
    }
    m_request = "GET " + path + " HTTP/1.1\r\nHost: " + host
              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c3dpdGNoYm9hcmRiZW5jaA==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n";
    m_state = State::Connecting;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = m_tag;
    m_wantWrite = true;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_fd, &ev) != 0) {
        close(m_fd);
        m_fd = -1;
        m_state = State::Closed;
        return false;
    }
    if (connect(m_fd, reinterpret_cast<const sockaddr *>(&server), sizeof server) != 0 && errno != EINPROGRESS) {
        abort();
        return false;
    }
    return true;
}

void WsConnection::abort()
{
    if (m_fd >= 0) {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_fd, nullptr);
        close(m_fd);
        m_fd = -1;
    }
    m_state = State::Closed;
    std::string().swap(m_in);
    std::string().swap(m_out);
    std::string().swap(m_fragments);
    std::string().swap(m_request);
}

void WsConnection::fail(const char *why)
{
    if (m_state == State::Closed) return;
    abort();
    m_listener->onClosed(this, why);
}

void WsConnection::handleEvents(uint32_t events)
{
    if (m_state == State::Connecting) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) return fail(strerror(err));
            m_state = State::Upgrading;
            queue(m_request.data(), m_request.size());
            std::string().swap(m_request);
        }
        return;
    }
    if (events & EPOLLIN) onReadable();
    if (m_state == State::Closed) return;
    if (events & EPOLLOUT) flush();
    if ((events & (EPOLLERR | EPOLLHUP)) && m_state != State::Closed && !(events & EPOLLIN)) fail("socket error");
}

void WsConnection::onReadable()
{
    char buf[65536];
    for (;;) {
        const ssize_t n = read(m_fd, buf, sizeof buf);
        if (n > 0) {
            m_in.append(buf, size_t(n));
            if (size_t(n) < sizeof buf) break;
            continue;
        }
        if (n == 0) return fail("closed by server");
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR) continue;
        return fail(strerror(errno));
    }
    if (m_quickAck) {
        const int one = 1;
        setsockopt(m_fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    }
    if (m_state == State::Upgrading && !parseUpgrade()) return;
    if (m_state == State::Open) parseFrames();
}

bool WsConnection::parseUpgrade()
{
    const size_t end = m_in.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (m_in.size() > 16384) fail("oversized upgrade response");
        return false;
    }
    if (m_in.compare(0, 12, "HTTP/1.1 101") != 0) {
        const size_t eol = m_in.find("\r\n");
        const std::string status = m_in.substr(0, eol);
        fail(("upgrade refused: " + status).c_str());
        return false;
    }
    m_in.erase(0, end + 4);
    m_state = State::Open;
    m_listener->onUpgraded(this);
    return m_state == State::Open;
}

void WsConnection::parseFrames()
{
    size_t pos = 0;
    while (m_state == State::Open) {
        const size_t avail = m_in.size() - pos;
        if (avail < 2) break;
        const auto *h = reinterpret_cast<const unsigned char *>(m_in.data() + pos);
        const bool fin = h[0] & 0x80;
        const int opcode = h[0] & 0x0f;
        const bool masked = h[1] & 0x80;
        uint64_t len = h[1] & 0x7f;
        size_t hdr = 2;
        if (len == 126) {
            if (avail < 4) break;
            len = (uint64_t(h[2]) << 8) | h[3];
            hdr = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = 0;
            for (int i = 0; i < 8; ++i) len = (len << 8) | h[2 + i];
            hdr = 10;
        }
        if (masked) hdr += 4;
        if (len > (64u << 20)) return fail("oversized frame");
        if (avail < hdr + len) break;
        char *payload = m_in.data() + pos + hdr;
        if (masked) {
            const unsigned char *key = h + hdr - 4;
            for (uint64_t i = 0; i < len; ++i) payload[i] = char(payload[i] ^ key[i % 4]);
        }
        pos += hdr + len;
        switch (opcode) {
        case 0x0: // continuation
            m_fragments.append(payload, len);
            if (fin) {
                std::string whole;
                whole.swap(m_fragments);
                m_listener->onText(this, whole.data(), whole.size());
            }
            break;
        case 0x1:
        case 0x2:
            if (fin)
                m_listener->onText(this, payload, len);
            else
                m_fragments.assign(payload, len);
            break;
        case 0x8: {
            // The code and reason say why (1008 slow reader, ping timeout...):
            // a workspace run's lost connections are otherwise unexplained.
            std::string why = "close frame from server";
            if (len >= 2) {
                const auto *p = reinterpret_cast<const unsigned char *>(payload);
                why += " " + std::to_string((p[0] << 8) | p[1]) + " " + std::string(payload + 2, size_t(len - 2));
            }
            sendFrame(0x8, payload, len < 2 ? len : 2);
            flush();
            return fail(why.c_str());
        }
        case 0x9: sendFrame(0xA, payload, len); break;
        default: break;
        }
    }
    if (m_state == State::Closed) return;
    if (pos == m_in.size()) {
        // Give a burst's buffer back: 20k connections each keeping 64 KB would be 1.3 GB.
        if (m_in.capacity() > 16384)
            std::string().swap(m_in);
        else
            m_in.clear();
    } else if (pos > 0) {
        m_in.erase(0, pos);
    }
}

void WsConnection::sendText(const std::string &payload)
{
    if (m_state != State::Open) return;
    sendFrame(0x1, payload.data(), payload.size());
}

void WsConnection::sendFrame(int opcode, const char *data, size_t len)
{
    char hdr[14];
    size_t n = 0;
    hdr[n++] = char(0x80 | opcode);
    if (len < 126) {
        hdr[n++] = char(0x80 | len);
    } else if (len < 65536) {
        hdr[n++] = char(0x80 | 126);
        hdr[n++] = char(len >> 8);
        hdr[n++] = char(len & 0xff);
    } else {
        hdr[n++] = char(0x80 | 127);
        for (int i = 7; i >= 0; --i) hdr[n++] = char((uint64_t(len) >> (8 * i)) & 0xff);
    }
    // Zero mask key: XOR with it leaves the payload as it is.
    for (int i = 0; i < 4; ++i) hdr[n++] = 0;
    if (m_out.empty()) {
        // Common case: header and payload go out in one writev-like append + write.
        std::string frame;
        frame.reserve(n + len);
        frame.append(hdr, n);
        frame.append(data, len);
        queue(frame.data(), frame.size());
    } else {
        m_out.append(hdr, n);
        m_out.append(data, len);
    }
}

void WsConnection::queue(const char *data, size_t len)
{
    if (m_fd < 0) return;
    if (m_out.empty()) {
        const ssize_t w = write(m_fd, data, len);
        if (w == ssize_t(len)) return;
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return fail(strerror(errno));
        const size_t done = w > 0 ? size_t(w) : 0;
        m_out.append(data + done, len - done);
    } else {
        m_out.append(data, len);
    }
    updateInterest();
}

void WsConnection::flush()
{
    while (!m_out.empty()) {
        const ssize_t w = write(m_fd, m_out.data(), m_out.size());
        if (w > 0) {
            m_out.erase(0, size_t(w));
            if (m_out.empty() && m_out.capacity() > 16384) std::string().swap(m_out);
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (w < 0 && errno == EINTR) continue;
        return fail(strerror(errno));
    }
    updateInterest();
}

void WsConnection::updateInterest()
{
    if (m_fd < 0) return;
    const bool want = !m_out.empty();
    if (want == m_wantWrite) return;
    m_wantWrite = want;
    epoll_event ev{};
    ev.events = want ? uint32_t(EPOLLIN | EPOLLOUT) : uint32_t(EPOLLIN);
    ev.data.u64 = m_tag;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, m_fd, &ev);
}

} // namespace switchboard
