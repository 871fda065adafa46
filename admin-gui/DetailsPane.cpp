#include "DetailsPane.h"

#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

DetailsPane::DetailsPane(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_form(new QFormLayout)
{
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_title->setFont(f);
    m_title->setWordWrap(true);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(m_form);
    layout->addStretch(1);
    setMinimumWidth(240);
}

void DetailsPane::setFields(const QString &title, const QList<Field> &fields)
{
    m_title->setText(title);
    if (fields.size() != m_fields.size() || m_form->rowCount() != fields.size()) {
        while (m_form->rowCount() > 0)
            m_form->removeRow(0);
        for (const Field &f : fields) {
            auto *value = new QLabel(this);
            value->setTextInteractionFlags(Qt::TextSelectableByMouse);
            value->setWordWrap(true);
            m_form->addRow(f.first + QLatin1Char(':'), value);
        }
    }
    // Update texts in place so a live refresh does not flicker or lose a selection.
    for (int i = 0; i < fields.size(); ++i) {
        auto *label = qobject_cast<QLabel *>(m_form->itemAt(i, QFormLayout::LabelRole)->widget());
        auto *value = qobject_cast<QLabel *>(m_form->itemAt(i, QFormLayout::FieldRole)->widget());
        if (label)
            label->setText(fields.at(i).first + QLatin1Char(':'));
        if (value && value->text() != fields.at(i).second)
            value->setText(fields.at(i).second);
    }
    m_fields = fields;
}

void DetailsPane::showPlaceholder(const QString &text)
{
    setFields(text, {});
}

QString DetailsPane::title() const
{
    return m_title->text();
}

QString DetailsPane::value(const QString &label) const
{
    for (const Field &f : m_fields) {
        if (f.first == label)
            return f.second;
    }
    return QString();
}
