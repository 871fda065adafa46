#include "DetailsPane.h"

#include <QTextBrowser>
#include <QVBoxLayout>

namespace switchboard {

DetailsPane::DetailsPane(QWidget *parent) : QWidget(parent), m_view(new QTextBrowser(this))
{
    m_view->setObjectName(QStringLiteral("detailsView"));
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setOpenLinks(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    setMinimumWidth(260);
}

void DetailsPane::setFields(const QString &title, const QList<Field> &fields)
{
    // The feed refreshes once a second: leave the text (and a selection in it) alone if nothing changed.
    if (title == m_title && fields == m_fields) return;
    m_title = title;
    m_fields = fields;
    QString html = QStringLiteral("<h3>") + title.toHtmlEscaped()
                 + QStringLiteral("</h3><table cellspacing='0' cellpadding='3'>");
    for (const Field &f : fields) {
        html += QStringLiteral("<tr><td align='right' valign='top'><nobr><font color='#6a6a6a'>")
              + f.first.toHtmlEscaped() + QStringLiteral(":</font></nobr></td><td valign='top'>")
              + f.second.toHtmlEscaped() + QStringLiteral("</td></tr>");
    }
    html += QStringLiteral("</table>");
    m_view->setHtml(html);
}

void DetailsPane::showPlaceholder(const QString &text)
{
    setFields(text, {});
}

QString DetailsPane::value(const QString &label) const
{
    for (const Field &f : m_fields) {
        if (f.first == label) return f.second;
    }
    return QString();
}

} // namespace switchboard
