#pragma once

#include <QList>
#include <QPair>
#include <QWidget>

class QFormLayout;
class QLabel;

// The right-hand pane of the tables: every field of the selected row as a
// label/value list, selectable so ids can be copied.
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    using Field = QPair<QString, QString>;

    explicit DetailsPane(QWidget *parent = nullptr);

    void setFields(const QString &title, const QList<Field> &fields);
    void showPlaceholder(const QString &text);

    QString title() const;
    QString value(const QString &label) const;

private:
    QLabel *m_title;
    QFormLayout *m_form;
    QList<Field> m_fields;
};
