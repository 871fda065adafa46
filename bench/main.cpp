#include "BenchOptions.h"
#include "Coordinator.h"
#include "WorkspaceLayout.h"

#include <QStringList>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>

using namespace switchboard;

int main(int argc, char *argv[])
{
    QStringList args;
    for (int i = 0; i < argc; ++i) args.append(QString::fromLocal8Bit(argv[i]));
    BenchOptions options;
    int exitCode = 0;
    if (!options.parse(args, &exitCode)) return exitCode;
    if (!options.layoutSpec.isEmpty()) {
        const QStringList parts = options.layoutSpec.split(QLatin1Char(','));
        WorkspaceLayout::Params p;
        if (parts.size() >= 2) {
            p.users = parts[0].toInt();
            p.channels = parts[1].toInt();
        }
        if (parts.size() >= 3) p.seed = parts[2].toULongLong();
        WorkspaceLayout layout;
        std::string error;
        if (!WorkspaceLayout::build(p, &layout, &error)) {
            fprintf(stderr, "switchboard-bench: --workspace-layout: %s\n", error.c_str());
            return 2;
        }
        const std::string json = layout.toJson();
        fwrite(json.data(), 1, json.size(), stdout);
        return 0;
    }

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
