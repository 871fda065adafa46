#include "TimerJitter.h"

#include <QRandomGenerator>
#include <QtGlobal>

#include <cmath>

namespace switchboard {

namespace {

// A value in [0, span], uniform; quantized to `steps` values when steps > 0.
int pick(int span, int steps)
{
    if (span <= 0) return 0;
    if (steps <= 1) return int(QRandomGenerator::global()->bounded(span + 1));
    const int k = int(QRandomGenerator::global()->bounded(steps));
    return int(std::lround(double(span) * k / (steps - 1)));
}

} // namespace

int TimerJitter::earlier(int ms, double fraction, int steps)
{
    if (ms <= 1) return ms;
    const int span = int(double(ms) * qBound(0.0, fraction, 1.0));
    return qMax(1, ms - pick(qMin(span, ms - 1), steps));
}

int TimerJitter::later(int ms, double fraction, int steps)
{
    if (ms <= 0) return ms;
    const double span = double(ms) * qMax(0.0, fraction);
    return ms + pick(int(qMin(span, double(1 << 29))), steps);
}

} // namespace switchboard
