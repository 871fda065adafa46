#pragma once

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QLineEdit;
class QPushButton;

// Asks for the feed URL and the admin token. Both are remembered with
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

    void setUrl(const QString &url);
    void setToken(const QString &token);

    // Stores the current values (called on accept).
    void save() const;

    // What was remembered last time, for connecting without asking.
    static QString savedUrl();
    static QString savedToken();

private:
    void updateButtons();

    QLineEdit *m_url;
    QLineEdit *m_token;
    QCheckBox *m_remember;
    QPushButton *m_connect;
};
