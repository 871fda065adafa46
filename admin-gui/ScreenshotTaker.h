#pragma once

#include <QObject>
#include <QStringList>

namespace switchboard {

class MainWindow;

// For scripts/screenshots.sh: after a delay, shows each tab in turn, saves
// the window as DIR/<tab>.png and quits. Selects a row in the tables first
// so the details panes are not empty. The Nodes tab only in a cluster
// (scripts/screenshot-nodes.sh).
class ScreenshotTaker : public QObject
{
    Q_OBJECT
public:
    ScreenshotTaker(MainWindow *window, const QString &directory, int delayMs, QObject *parent = nullptr);

    static QStringList tabNames();

Q_SIGNALS:
    void finished(bool ok);

private:
    void next();

    MainWindow *m_window;
    QString m_directory;
    int m_index = 0;
    bool m_ok = true;
};

} // namespace switchboard
