#include "TrafficExporter.h"
#include "AdminJson.h"

#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>

namespace switchboard {

TrafficExporter::Format TrafficExporter::formatFor(const QString &fileName)
{
    return fileName.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? Format::Csv : Format::JsonLines;
}

QString TrafficExporter::csvField(const QString &value)
{
    // RFC 4180: quote when needed, double the quotes inside.
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('\n'))
        && !value.contains(QLatin1Char('\r')))
        return value;
    QString v = value;
    v.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + v + QLatin1Char('"');
}

bool TrafficExporter::write(const QString &fileName, const QList<TrafficEvent> &events, QString *error)
{
    // QSaveFile: a failed export never leaves half a file behind.
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        *error = file.errorString();
        return false;
    }
    QTextStream out(&file);
    if (formatFor(fileName) == Format::Csv) {
        out << "seq,time,connection_id,user_id,user,dialect,direction,event,channel_id,channel,size,truncated,payload\n";
        for (const TrafficEvent &e : events) {
            const QStringList fields{
                QString::number(e.seq),
                AdminJson::timeToJson(e.time).toString(),
                e.connectionId,
                e.userId,
                e.userName,
                e.dialect,
                e.directionName(),
                e.event,
                e.channelId,
                e.channelName,
                QString::number(e.size),
                e.truncated ? QStringLiteral("true") : QStringLiteral("false"),
                e.payload,
            };
            QStringList quoted;
            for (const QString &f : fields) quoted << csvField(f);
            out << quoted.join(QLatin1Char(',')) << '\n';
        }
    } else {
        for (const TrafficEvent &e : events) out << QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact) << '\n';
    }
    out.flush();
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace switchboard
