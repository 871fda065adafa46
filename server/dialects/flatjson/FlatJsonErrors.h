#pragma once

#include "core/CoreError.h"
#include "http/HttpResponse.h"

#include <QByteArray>
#include <QString>

namespace switchboard {

// The one place where flat JSON (seed 004) errors are made. Every error frame
// or refusal the dialect sends comes from here, so each is counted once in
// Metrics::errors and an Internal error's text reaches the log, never the client.
class FlatJsonErrors
{
public:
    // {"type":"error","error_code","message","details"?} for a core error;
    // fallback is the command's own "<command>_error" code.
    static QByteArray fromCore(const CoreError &e, const QString &fallback);
    // An error the dialect found itself (bad JSON, unknown type, missing field).
    static QByteArray protocol(const QString &code, const QString &message, const QString &details = QString());
    // The HTTP refusal of a /ws upgrade (the error shape of docs/api/rest.md).
    static HttpResponse handshakeRefusal(const CoreError &e);
    // What the client is told a core error was about.
    static QString publicMessage(const CoreError &e);
};

} // namespace switchboard
