#include "BenchOptions.h"
#include "Coordinator.h"

#include <QStringList>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>

int main(int argc, char *argv[])
{
    QStringList args;
    for (int i = 0; i < argc; ++i) args.append(QString::fromLocal8Bit(argv[i]));
    BenchOptions options;
    int exitCode = 0;
    if (!options.parse(args, &exitCode)) return exitCode;

    // Every connection is a descriptor: take the hard limit (20,000 here).
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    signal(SIGPIPE, SIG_IGN);
    Coordinator coordinator(options);
    return coordinator.run();
}
