#pragma once

#include <QJsonObject>
#include <QString>

namespace switchboard {

// The outcome of one admin command. Sent as "result" to the console that
// asked, and as "audit" to every console so each sees what was done.
struct AdminResult
{
    QString id;      // the command's id (result only)
    QString command; // command name, e.g. "disconnect"
    bool ok = false;
    QString errorCode; // AdminProtocol error code when !ok
    QString message;   // what happened, for people
    qint64 time = 0;   // ms since epoch
    QString by;        // the console that acted (its remote address)

    QJsonObject toJson(const char *type) const;
    static AdminResult fromJson(const QJsonObject &o);

    static AdminResult success(const QString &id, const QString &command, const QString &message);
    static AdminResult failure(const QString &id, const QString &command, const QString &code, const QString &message);
};

} // namespace switchboard
