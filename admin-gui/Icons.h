#pragma once

#include <QIcon>

namespace switchboard {

// The console's icons, drawn as SVG in resources/icons and compiled in
// through resources/admin.qrc.
namespace Icons {

QIcon get(const QString &name); // e.g. "disconnect" -> :/icons/disconnect.svg

} // namespace Icons

} // namespace switchboard
