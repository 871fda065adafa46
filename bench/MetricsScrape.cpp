#include "MetricsScrape.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cmath>
#include <limits>
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
        if (line.empty() || line[0] == '#') continue;
        // A labelled series is keyed with its labels: name{le="0.005"}.
        const size_t close = line.find('}');
        const size_t sp = line.find(' ', close == std::string::npos ? 0 : close);
        if (sp == std::string::npos) continue;
        m.values[line.substr(0, sp)] = strtod(line.c_str() + sp + 1, nullptr);
    }
    return m;
}

std::vector<std::pair<double, double>> MetricsScrape::buckets(const std::string &name) const
{
    std::vector<std::pair<double, double>> out;
    const std::string prefix = name + "_bucket{le=\"";
    for (auto it = values.lower_bound(prefix); it != values.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it) {
        const std::string le = it->first.substr(prefix.size(), it->first.size() - prefix.size() - 2);
        out.emplace_back(le == "+Inf" ? std::numeric_limits<double>::infinity() : strtod(le.c_str(), nullptr),
                         it->second);
    }
    std::sort(out.begin(), out.end());
    return out;
}

double MetricsScrape::quantile(const std::vector<std::pair<double, double>> &counts, double q)
{
    double total = 0;
    for (const auto &b : counts) total = std::max(total, b.second);
    if (counts.empty() || total <= 0) return -1;
    const double rank = q * total;
    double lower = 0, below = 0;
    for (const auto &[le, cumulative] : counts) {
        if (cumulative >= rank) {
            // Past the last finite bound nothing is known but that bound.
            if (std::isinf(le)) return lower;
            const double inBucket = cumulative - below;
            return inBucket > 0 ? lower + (le - lower) * (rank - below) / inBucket : le;
        }
        lower = le;
        below = cumulative;
    }
    return lower;
}

double MetricsScrape::value(const std::string &name, double fallback) const
{
    const auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
}

} // namespace switchboard
