#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace switchboard {

// Confirmation for an admin action, with the one piece of input it needs
// (a reason, a message text, a user or connection id). Nothing is sent to the server
// unless the admin presses the action's own button.
class ActionDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Input { None, Reason, Message, UserId, ConnectionId };

    ActionDialog(const QString &title, const QString &question, const QString &confirmLabel, const QIcon &icon,
                 Input input, QWidget *parent = nullptr);

    QString text() const;
    void setText(const QString &text);
    QString question() const;
    bool canConfirm() const;

private:
    void updateButton();

    Input m_input;
    QLabel *m_question;
    QLineEdit *m_line = nullptr;
    QPlainTextEdit *m_message = nullptr;
    QPushButton *m_confirm;
};

} // namespace switchboard
