#include "ActionDialog.h"

#include "AdminCommand.h"

#include <QDialogButtonBox>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace switchboard {

ActionDialog::ActionDialog(const QString &title, const QString &question, const QString &confirmLabel,
                           const QIcon &icon, Input input, QWidget *parent)
    : QDialog(parent)
    , m_input(input)
    , m_question(new QLabel(question, this))
{
    setObjectName(QStringLiteral("actionDialog"));
    setWindowTitle(title);
    setWindowIcon(icon);
    m_question->setWordWrap(true);
    m_question->setTextFormat(Qt::PlainText);

    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    auto *iconLabel = new QLabel(this);
    iconLabel->setPixmap(icon.pixmap(32, 32));
    top->addWidget(iconLabel, 0, Qt::AlignTop);
    top->addWidget(m_question, 1);
    layout->addLayout(top);

    switch (input) {
    case Input::None: break;
    case Input::Reason:
    case Input::UserId:
    case Input::ConnectionId:
        m_line = new QLineEdit(this);
        m_line->setObjectName(QStringLiteral("actionText"));
        m_line->setMaxLength(input == Input::Reason ? AdminCommand::MaxReasonLength : 200);
        m_line->setPlaceholderText(input == Input::Reason   ? tr("Reason (shown to the user, optional)")
                                   : input == Input::UserId ? tr("User id")
                                                            : tr("Connection id"));
        layout->addWidget(m_line);
        connect(m_line, &QLineEdit::textChanged, this, &ActionDialog::updateButton);
        break;
    case Input::Message:
        m_message = new QPlainTextEdit(this);
        m_message->setObjectName(QStringLiteral("actionText"));
        m_message->setPlaceholderText(tr("Message text"));
        m_message->setTabChangesFocus(true);
        layout->addWidget(m_message);
        connect(m_message, &QPlainTextEdit::textChanged, this, &ActionDialog::updateButton);
        break;
    }

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_confirm = buttons->addButton(confirmLabel, QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("confirmButton"));
    m_confirm->setIcon(icon);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    updateButton();
    resize(440, sizeHint().height());
}

QString ActionDialog::text() const
{
    if (m_line) return m_line->text().trimmed();
    if (m_message) return m_message->toPlainText().trimmed();
    return QString();
}

void ActionDialog::setText(const QString &text)
{
    if (m_line)
        m_line->setText(text);
    else if (m_message)
        m_message->setPlainText(text);
}

QString ActionDialog::question() const
{
    return m_question->text();
}

bool ActionDialog::canConfirm() const
{
    return m_confirm->isEnabled();
}

void ActionDialog::updateButton()
{
    bool ok = true;
    if (m_input == Input::Message)
        ok = !text().isEmpty() && text().size() <= AdminCommand::MaxTextLength;
    else if (m_input == Input::UserId || m_input == Input::ConnectionId)
        ok = !text().isEmpty();
    m_confirm->setEnabled(ok);
}

} // namespace switchboard
