#pragma once

#include "core/CoreError.h"

#include <QByteArray>
#include <QString>

namespace switchboard {

// The one place where workspace JSON (seed 003) error events are made. Every
// error the dialect sends comes from here, so each is counted once in
// Metrics::errors and an Internal error's text reaches the log, never the client.
class WorkspaceJsonErrors
{
public:
    struct Frame
    {
        QString code;     // the seed's code, which also picks the 4xxx close code
        QString message;  // safe to show (a close reason may repeat it)
        QByteArray bytes; // the error envelope
    };

    static Frame fromCore(const CoreError &e, const QString &workspaceId, qint64 atMs);
    // An error the dialect found itself (bad JSON, unknown event, bad field).
    static Frame protocol(const QString &code, const QString &message, const QString &workspaceId, qint64 atMs);
};

} // namespace switchboard
