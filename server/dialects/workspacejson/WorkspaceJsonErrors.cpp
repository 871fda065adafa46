#include "WorkspaceJsonErrors.h"

#include "core/Metrics.h"
#include "WorkspaceJsonCodec.h"

#include <QLoggingCategory>

namespace switchboard {

Q_LOGGING_CATEGORY(lcWorkspaceJson, "switchboard.workspacejson")

WorkspaceJsonErrors::Frame WorkspaceJsonErrors::fromCore(const CoreError &e, const QString &workspaceId, qint64 atMs)
{
    if (e.code == CoreError::Internal || e.code == CoreError::None)
        qCWarning(lcWorkspaceJson).noquote() << "internal error:" << e.message;
    return protocol(WorkspaceJsonCodec::errorCodeFor(e), WorkspaceJsonCodec::errorMessageFor(e), workspaceId, atMs);
}

WorkspaceJsonErrors::Frame WorkspaceJsonErrors::protocol(const QString &code, const QString &message,
                                                         const QString &workspaceId, qint64 atMs)
{
    ++Metrics::instance().errors;
    return {code, message, WorkspaceJsonCodec::error(code, message, workspaceId, atMs)};
}

} // namespace switchboard
