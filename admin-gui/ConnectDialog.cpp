#include "ConnectDialog.h"
#include "Icons.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace switchboard {

namespace {
const char *keyUrl = "connection/url";
const char *keyToken = "connection/token";
const char *keyRemember = "connection/rememberToken";
const char *keyCaFile = "connection/caFile";
const char *keyPin = "connection/pinnedSha256";
}

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_url(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_caFile(new QLineEdit(this))
    , m_pin(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("Remember token on this computer"), this))
{
    setObjectName(QStringLiteral("connectDialog"));
    setWindowTitle(tr("Connect to a Switchboard server"));
    setWindowIcon(Icons::get(QStringLiteral("connect")));

    m_url->setObjectName(QStringLiteral("urlEdit"));
    m_url->setPlaceholderText(QLatin1String(DefaultUrl));
    m_token->setObjectName(QStringLiteral("tokenEdit"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("the server's --admin-token"));
    m_remember->setObjectName(QStringLiteral("rememberToken"));
    m_caFile->setObjectName(QStringLiteral("caFileEdit"));
    m_caFile->setPlaceholderText(tr("wss:// only: PEM file of a private CA (optional)"));
    m_pin->setObjectName(QStringLiteral("pinEdit"));
    m_pin->setPlaceholderText(tr("wss:// only: SHA-256 of the server certificate (optional)"));

    auto *intro = new QLabel(tr("The admin feed is served at /admin/ws on every listener of the server. "
                                "It is off unless the server was started with --admin-token."),
                             this);
    intro->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Feed &URL:"), m_url);
    form->addRow(tr("Admin &token:"), m_token);
    form->addRow(QString(), m_remember);
    form->addRow(tr("Trusted &CA file:"), m_caFile);
    form->addRow(tr("&Pinned certificate:"), m_pin);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_connect = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setIcon(Icons::get(QStringLiteral("connect")));
    m_connect->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);

    QSettings settings;
    m_url->setText(savedUrl());
    m_remember->setChecked(settings.value(QLatin1String(keyRemember), false).toBool());
    m_token->setText(savedToken());
    setTlsTrust(savedTlsTrust());

    connect(m_url, &QLineEdit::textChanged, this, &ConnectDialog::updateButtons);
    connect(m_token, &QLineEdit::textChanged, this, &ConnectDialog::updateButtons);
    connect(m_pin, &QLineEdit::textChanged, this, &ConnectDialog::updateButtons);
    updateButtons();
    resize(480, sizeHint().height());
}

QUrl ConnectDialog::url() const
{
    return QUrl::fromUserInput(m_url->text().trimmed());
}

QString ConnectDialog::token() const
{
    return m_token->text();
}

bool ConnectDialog::rememberToken() const
{
    return m_remember->isChecked();
}

void ConnectDialog::setUrl(const QString &url)
{
    m_url->setText(url);
}

void ConnectDialog::setToken(const QString &token)
{
    m_token->setText(token);
}

void ConnectDialog::updateButtons()
{
    const QUrl u = url();
    const bool urlOk = u.isValid() && (u.scheme() == QLatin1String("ws") || u.scheme() == QLatin1String("wss"));
    const bool pinOk = m_pin->text().trimmed().isEmpty() || !TlsTrust::normalizedPin(m_pin->text()).isEmpty();
    m_connect->setEnabled(urlOk && pinOk && !m_token->text().isEmpty());
}

void ConnectDialog::save() const
{
    QSettings settings;
    settings.setValue(QLatin1String(keyUrl), m_url->text().trimmed());
    settings.setValue(QLatin1String(keyRemember), m_remember->isChecked());
    settings.setValue(QLatin1String(keyCaFile), m_caFile->text().trimmed());
    settings.setValue(QLatin1String(keyPin), m_pin->text().trimmed());
    if (m_remember->isChecked())
        settings.setValue(QLatin1String(keyToken), m_token->text());
    else
        settings.remove(QLatin1String(keyToken)); // forgetting is part of the choice
}

QString ConnectDialog::savedUrl()
{
    return QSettings().value(QLatin1String(keyUrl), QLatin1String(DefaultUrl)).toString();
}

QString ConnectDialog::savedToken()
{
    return QSettings().value(QLatin1String(keyToken)).toString();
}

TlsTrust ConnectDialog::tlsTrust() const
{
    TlsTrust t;
    t.caFile = m_caFile->text().trimmed();
    t.pinnedSha256 = m_pin->text().trimmed();
    return t;
}

void ConnectDialog::setTlsTrust(const TlsTrust &trust)
{
    m_caFile->setText(trust.caFile);
    m_pin->setText(trust.pinnedSha256);
}

TlsTrust ConnectDialog::savedTlsTrust()
{
    QSettings settings;
    TlsTrust t;
    t.caFile = settings.value(QLatin1String(keyCaFile)).toString();
    t.pinnedSha256 = settings.value(QLatin1String(keyPin)).toString();
    return t;
}

} // namespace switchboard
