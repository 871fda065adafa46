#pragma once

#include "TlsTrust.h"

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QLineEdit;
class QPushButton;

namespace switchboard {

// Asks for the feed URL, the admin token and, for wss://, how to trust the
// server (CA file or pinned SHA-256 fingerprint). All are remembered with
// QSettings; the token only when the user ticks "Remember token".
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    static constexpr const char *DefaultUrl = "ws://127.0.0.1:8000/admin/ws";

    explicit ConnectDialog(QWidget *parent = nullptr);

    QUrl url() const;
    QString token() const;
    bool rememberToken() const;
    TlsTrust tlsTrust() const;
    void setTlsTrust(const TlsTrust &trust);

    void setUrl(const QString &url);
    void setToken(const QString &token);

    // Stores the current values (called on accept).
    void save() const;

    // What was remembered last time, for connecting without asking.
    static QString savedUrl();
    static QString savedToken();
    static TlsTrust savedTlsTrust();

private:
    void updateButtons();

    QLineEdit *m_url;
    QLineEdit *m_token;
    QLineEdit *m_caFile;
    QLineEdit *m_pin;
    QCheckBox *m_remember;
    QPushButton *m_connect;
};

} // namespace switchboard
