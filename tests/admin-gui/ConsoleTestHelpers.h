#pragma once

#include "ActionDialog.h"

#include <QApplication>
#include <QTimer>
#include <functional>

namespace switchboard {

// Answers the next modal ActionDialog the console opens: waits for it to
// appear (exec() blocks the test), lets `fill` act on it, then accepts or
// rejects. Returns the question the dialog asked, through *question.
inline void answerNextActionDialog(bool accept, const std::function<void(ActionDialog *)> &fill,
                                   QString *question = nullptr)
{
    auto *timer = new QTimer;
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, [timer, accept, fill, question] {
        auto *dialog = qobject_cast<ActionDialog *>(QApplication::activeModalWidget());
        if (!dialog) return;
        timer->stop();
        timer->deleteLater();
        if (question) *question = dialog->question();
        if (fill) fill(dialog);
        if (accept && dialog->canConfirm())
            dialog->accept();
        else
            dialog->reject();
    });
    timer->start();
}

} // namespace switchboard
