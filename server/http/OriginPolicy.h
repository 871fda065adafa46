#pragma once

#include <QByteArray>
#include <QStringList>

#include <memory>

namespace switchboard {

// Which browser origins may send credentials (--allowed-origins): the listed
// ones ("*": any) and always the request's own origin (Origin's host:port is
// the Host header). Requests without Origin come from non-browser clients and
// are not a CORS matter. Every CORS answer (REST, Engine.IO, Phoenix long-poll)
// asks this one list, so a browser page is allowed everywhere or nowhere.
// Copies share the list: the router hands its policy to the dialects, and
// reset() (a SIGHUP reload) changes it for all of them at once.
class OriginPolicy
{
public:
    OriginPolicy(); // same origin only
    explicit OriginPolicy(const QStringList &allowed);

    // New allowed origins for this policy and every copy of it.
    void reset(const QStringList &allowed) const;

    // Whether `origin` (the Origin header) may make credentialed requests to
    // `host` (the Host header). An empty origin is not allowed: callers decide
    // what a request without one means.
    bool allows(const QByteArray &origin, const QByteArray &host) const;
    // The value for Access-Control-Allow-Origin: the origin itself when allowed, else empty.
    QByteArray allowOrigin(const QByteArray &origin, const QByteArray &host) const;
    // A cross-site browser request carrying the token cookie from an origin
    // that is not allowed: refused with 403 before it authenticates.
    bool refusesCookie(const QByteArray &origin, const QByteArray &host, const QByteArray &cookieHeader) const;

    // Empty when every entry is "*" or scheme://host[:port]; else the first bad one.
    static QString invalidEntry(const QStringList &allowed);
    static bool carriesTokenCookie(const QByteArray &cookieHeader);

private:
    struct List
    {
        QStringList allowed; // lower-case, no trailing slash
        bool any = false;
    };
    std::shared_ptr<List> m_list;
};

} // namespace switchboard
