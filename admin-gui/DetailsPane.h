#pragma once

#include <QList>
#include <QPair>
#include <QWidget>

class QTextBrowser;

namespace switchboard {

// The right-hand pane of the tables: every field of the selected row as a
// label/value list. A text browser does the layout, so long ids and user
// agents wrap instead of being clipped, and everything can be selected and copied.
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    using Field = QPair<QString, QString>;

    explicit DetailsPane(QWidget *parent = nullptr);

    void setFields(const QString &title, const QList<Field> &fields);
    void showPlaceholder(const QString &text);

    QString title() const { return m_title; }
    QString value(const QString &label) const;

private:
    QTextBrowser *m_view;
    QString m_title;
    QList<Field> m_fields;
};

} // namespace switchboard
