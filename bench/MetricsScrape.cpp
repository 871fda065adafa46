#include "MetricsScrape.h"

#include <arpa/inet.h>
#include <cstdlib>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

namespace switchboard {

MetricsScrape MetricsScrape::fetch(const std::string &host, int port, int timeoutMs)
{
    MetricsScrape m;
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return m;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1
        || connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        close(fd);
        return m;
    }
    const std::string req = "GET /metrics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    if (write(fd, req.data(), req.size()) != ssize_t(req.size())) {
        close(fd);
        return m;
    }
    std::string body;
    char buf[16384];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, timeoutMs) <= 0) break;
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        body.append(buf, size_t(n));
    }
    close(fd);
    if (body.compare(0, 12, "HTTP/1.1 200") != 0) return m;
    std::istringstream in(body.substr(body.find("\r\n\r\n") + 4));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line.find('{') != std::string::npos) continue;
        const size_t sp = line.find(' ');
        if (sp == std::string::npos) continue;
        m.values[line.substr(0, sp)] = strtod(line.c_str() + sp + 1, nullptr);
    }
    return m;
}

double MetricsScrape::value(const std::string &name, double fallback) const
{
    const auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
}

} // namespace switchboard
