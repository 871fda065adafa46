#include "MultipartParser.h"

namespace switchboard {

static QString paramOf(const QByteArray &header, const QByteArray &key)
{
    // Content-Disposition: form-data; name="file"; filename="a b.png"
    for (const QByteArray &raw : header.split(';')) {
        const QByteArray kv = raw.trimmed();
        const int eq = kv.indexOf('=');
        if (eq <= 0 || kv.left(eq).trimmed().toLower() != key) continue;
        QByteArray v = kv.mid(eq + 1).trimmed();
        if (v.size() >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.mid(1, v.size() - 2);
        return QString::fromUtf8(v);
    }
    return QString();
}

bool MultipartParser::parse(const QByteArray &contentType, const QByteArray &body, QList<Part> *parts, QString *error)
{
    if (!contentType.toLower().startsWith("multipart/form-data")) {
        *error = QStringLiteral("expected multipart/form-data");
        return false;
    }
    const QString boundary = paramOf(contentType, "boundary");
    if (boundary.isEmpty() || boundary.size() > 200) {
        *error = QStringLiteral("missing multipart boundary");
        return false;
    }
    const QByteArray delim = "--" + boundary.toUtf8();
    qsizetype pos = body.indexOf(delim);
    if (pos < 0) {
        *error = QStringLiteral("multipart boundary not found");
        return false;
    }
    while (true) {
        pos += delim.size();
        if (body.mid(pos, 2) == "--") return true; // closing delimiter
        if (body.mid(pos, 2) != "\r\n") {
            *error = QStringLiteral("malformed multipart delimiter");
            return false;
        }
        pos += 2;
        const qsizetype headEnd = body.indexOf("\r\n\r\n", pos);
        if (headEnd < 0) {
            *error = QStringLiteral("malformed multipart part");
            return false;
        }
        Part part;
        for (const QByteArray &line : body.mid(pos, headEnd - pos).split('\n')) {
            const QByteArray l = line.trimmed();
            const int colon = l.indexOf(':');
            if (colon <= 0) continue;
            const QByteArray name = l.left(colon).trimmed().toLower();
            const QByteArray value = l.mid(colon + 1).trimmed();
            if (name == "content-disposition") {
                part.name = paramOf(value, "name");
                part.filename = paramOf(value, "filename");
            } else if (name == "content-type") {
                part.contentType = value;
            }
        }
        const qsizetype dataStart = headEnd + 4;
        const qsizetype next = body.indexOf(QByteArray("\r\n" + delim), dataStart);
        if (next < 0) {
            *error = QStringLiteral("unterminated multipart part");
            return false;
        }
        part.data = body.mid(dataStart, next - dataStart);
        parts->append(part);
        pos = next + 2;
    }
}

} // namespace switchboard
