#include "Icons.h"
#include "TinySvgIconEngine.h"

#include <QFile>
#include <QHash>
#include <QImageReader>

static void initAdminResources()
{
    // The .qrc lives in a static library: its registration must be pulled in by hand.
    Q_INIT_RESOURCE(admin);
}

namespace switchboard {

namespace Icons {

QIcon get(const QString &name)
{
    static bool initialised = false;
    static bool qtSvg = false;
    static QHash<QString, QIcon> cache;
    if (!initialised) {
        initAdminResources();
        qtSvg = QImageReader::supportedImageFormats().contains("svg");
        initialised = true;
    }
    auto it = cache.constFind(name);
    if (it != cache.constEnd()) return *it;
    const QString file = QStringLiteral(":/icons/") + name + QStringLiteral(".svg");
    QIcon icon;
    if (QFile::exists(file)) icon = qtSvg ? QIcon(file) : QIcon(new TinySvgIconEngine(file));
    cache.insert(name, icon);
    return icon;
}

} // namespace Icons

} // namespace switchboard
