// Loopback round-trip latency of a Qt echo server with N idle connections
// beside the active one, under both dispatchers. Not a test: it prints figures.
//
//   build/bin/bench_idleroundtrip [--idle 0,1000,10000] [--rounds 5000] [--size 64]
//
// For each idle count and each dispatcher it starts itself with --serve (a
// QTcpServer echo server, dispatcher chosen by SWITCHBOARD_DISPATCHER exactly
// as the server does), opens the idle connections and one active one with
// plain blocking sockets, and times request/echo pairs.
#include "net/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace switchboard;

namespace {

// --serve: echo every byte; answer '#' with the number of open connections.
int serve(int argc, char **argv)
{
    const bool epoll = EpollEventDispatcher::installOnMainThread();
    QCoreApplication app(argc, argv);
    QTcpServer server;
    server.setListenBacklogSize(4096);
    int open = 0;
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            ++open;
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, &open] {
                QByteArray data = socket->readAll();
                if (data == "#") data = QByteArray::number(open) + '\n';
                socket->write(data);
            });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, [socket, &open] {
                --open;
                socket->deleteLater();
            });
        }
    });
    server.setMaxPendingConnections(1 << 20);
    if (!server.listen(QHostAddress::LocalHost, 0)) return 1;
    std::printf("%u %s\n", unsigned(server.serverPort()), epoll ? "epoll" : "qt");
    std::fflush(stdout);
    return app.exec();
}

int connectTo(quint16 port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        std::fprintf(stderr, "connect: %s\n", std::strerror(errno));
        std::exit(1);
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool readExactly(int fd, char *buffer, size_t size)
{
    size_t got = 0;
    while (got < size) {
        const ssize_t n = read(fd, buffer + got, size - got);
        if (n <= 0) return false;
        got += size_t(n);
    }
    return true;
}

int askOpenConnections(int fd)
{
    if (write(fd, "#", 1) != 1) return -1;
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') line += c;
    return std::atoi(line.c_str());
}

double cpuSeconds(pid_t pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    FILE *f = std::fopen(path, "r");
    if (!f) return 0;
    char buffer[1024] = {};
    const size_t n = std::fread(buffer, 1, sizeof buffer - 1, f);
    std::fclose(f);
    buffer[n] = '\0';
    // Fields 14 and 15 (utime, stime) follow the ")" that ends the command name.
    const char *p = std::strrchr(buffer, ')');
    unsigned long utime = 0, stime = 0;
    if (!p || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return 0;
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

struct Result
{
    std::string dispatcher;
    double p50 = 0, p99 = 0, mean = 0, cpuPercent = 0;
};

Result measure(const char *self, const char *dispatcher, int idle, int rounds, int size)
{
    int out[2];
    if (pipe(out) != 0) std::exit(1);
    const pid_t child = fork();
    if (child == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        setenv("SWITCHBOARD_DISPATCHER", dispatcher, 1);
        execl(self, self, "--serve", static_cast<char *>(nullptr));
        _exit(127);
    }
    close(out[1]);
    char banner[64] = {};
    FILE *fromChild = fdopen(out[0], "r");
    if (!std::fgets(banner, sizeof banner, fromChild)) {
        std::fprintf(stderr, "server did not start\n");
        std::exit(1);
    }
    Result result;
    unsigned port = 0;
    char name[16] = {};
    std::sscanf(banner, "%u %15s", &port, name);
    result.dispatcher = name;

    std::vector<int> idleFds;
    idleFds.reserve(size_t(idle));
    for (int i = 0; i < idle; ++i) idleFds.push_back(connectTo(quint16(port)));
    const int active = connectTo(quint16(port));
    while (askOpenConnections(active) < idle + 1) usleep(10000);

    std::vector<char> message(static_cast<size_t>(size), 'm');
    std::vector<char> echo(static_cast<size_t>(size));
    for (int i = 0; i < rounds / 10; ++i) { // warm up
        if (write(active, message.data(), message.size()) != ssize_t(message.size())
            || !readExactly(active, echo.data(), echo.size()))
            std::exit(1);
    }

    std::vector<double> micros;
    micros.reserve(size_t(rounds));
    const double cpuBefore = cpuSeconds(child);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        if (write(active, message.data(), message.size()) != ssize_t(message.size())
            || !readExactly(active, echo.data(), echo.size()))
            std::exit(1);
        micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.cpuPercent = 100.0 * (cpuSeconds(child) - cpuBefore) / wall;

    std::sort(micros.begin(), micros.end());
    result.p50 = micros[micros.size() / 2];
    result.p99 = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
    double sum = 0;
    for (double m : micros) sum += m;
    result.mean = sum / double(micros.size());

    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    std::fclose(fromChild);
    close(active);
    for (int fd : idleFds) close(fd);
    return result;
}

std::vector<int> parseList(const char *text)
{
    std::vector<int> values;
    for (const char *p = text; *p;) {
        values.push_back(std::atoi(p));
        p = std::strchr(p, ',');
        if (!p) break;
        ++p;
    }
    return values;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--serve") == 0) return serve(argc, argv);

    std::vector<int> idleCounts = {0, 1000, 10000};
    int rounds = 5000;
    int size = 64;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--idle") == 0)
            idleCounts = parseList(argv[i + 1]);
        else if (std::strcmp(argv[i], "--rounds") == 0)
            rounds = std::max(10, std::atoi(argv[i + 1]));
        else if (std::strcmp(argv[i], "--size") == 0)
            size = std::max(1, std::atoi(argv[i + 1]));
    }
    std::printf("%-8s %7s %10s %10s %10s %8s\n", "dispatch", "idle", "p50 us", "p99 us", "mean us", "srv CPU");
    for (int idle : idleCounts) {
        for (const char *dispatcher : {"qt", "epoll"}) {
            const Result r = measure("/proc/self/exe", dispatcher, idle, rounds, size);
            std::printf("%-8s %7d %10.1f %10.1f %10.1f %7.0f%%\n", r.dispatcher.c_str(), idle, r.p50, r.p99, r.mean,
                        r.cpuPercent);
            std::fflush(stdout);
        }
    }
    return 0;
}
