#pragma once

#include "core/CoreError.h"
#include "http/HttpResponse.h"

#include <QString>

namespace switchboard {

// The one place where REST errors are made: docs/api/rest.md's
// {"error":{"code","message","field"?,"retry_after"?}} with the HTTP status
// for each core error. Every error response the REST dialect sends comes
// from here, so each is counted once in Metrics::errors and an Internal
// error's text reaches the log, never the client.
class RestErrors
{
public:
    static HttpResponse response(const CoreError &e);
    // An error the dialect found itself (malformed JSON, a bad multipart body).
    static HttpResponse protocol(int status, const QString &code, const QString &message);
    static int statusFor(CoreError::Code code);
};

} // namespace switchboard
