#pragma once

#include "StoreStatus.h"

#include <QByteArray>
#include <QString>

class QSqlDatabase;

namespace switchboard {

// Rows for one COPY ... FROM STDIN, run through libpq on the QPSQL connection's
// own handle, inside the transaction QPSQL opened. COPY skips the parse and plan
// of a multi-row VALUES list (a third of the backend's time at 500 rows) and
// the driver's literal quoting on our side. Text format: fields split by tabs,
// \N for NULL, backslash escapes for tab, newline, carriage return and backslash.
class PostgresCopy
{
public:
    // True when db is an open QPSQL connection and the build has libpq's headers.
    static bool available(const QSqlDatabase &db);

    void text(const QString &s);
    void text(const QByteArray &utf8);
    void nullable(const QString &s); // empty: NULL
    void number(qint64 n);
    void endRow();
    qsizetype rows() const { return m_rows; }

    // statement: "COPY table (columns) FROM STDIN". Sends the rows and clears them.
    bool send(QSqlDatabase &db, const char *statement, StoreStatus *error);

private:
    void separate();
    QByteArray m_data;
    qsizetype m_rows = 0;
    bool m_rowStarted = false;
};

} // namespace switchboard
