#include "RateChart.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace switchboard {

namespace {
const QColor chartColors[] = {
    QColor(0x2d, 0x5b, 0x8a), QColor(0x27, 0xae, 0x60), QColor(0xe6, 0x7e, 0x22), QColor(0x8e, 0x44, 0xad),
    QColor(0xc0, 0x39, 0x2b), QColor(0x16, 0xa0, 0x85), QColor(0x7f, 0x8c, 0x8d),
};
}

RateChart::RateChart(const QString &title, QWidget *parent) : QWidget(parent), m_title(title)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void RateChart::addSeries(const QString &key, const QString &label, const QColor &color)
{
    const int i = seriesIndex(key);
    m_series[i].label = label;
    m_series[i].color = color;
    update();
}

int RateChart::seriesIndex(const QString &key)
{
    for (int i = 0; i < m_series.size(); ++i) {
        if (m_series.at(i).key == key) return i;
    }
    const QColor color = chartColors[m_series.size() % (sizeof(chartColors) / sizeof(chartColors[0]))];
    m_series.append({key, key, color});
    // Older samples had no value for the new line: it starts at zero.
    for (Sample &s : m_samples) s.values.append(0);
    return int(m_series.size()) - 1;
}

void RateChart::addSample(qint64 timeMs, const QMap<QString, double> &values)
{
    for (auto it = values.cbegin(); it != values.cend(); ++it) seriesIndex(it.key());
    Sample s{timeMs, QList<double>(m_series.size(), 0.0)};
    for (int i = 0; i < m_series.size(); ++i) s.values[i] = values.value(m_series.at(i).key, 0.0);
    m_samples.append(s);
    if (m_samples.size() > MaxSamples) m_samples.remove(0, m_samples.size() - MaxSamples);
    update();
}

void RateChart::clear()
{
    m_samples.clear();
    update();
}

void RateChart::setWindowSeconds(int seconds)
{
    m_windowSeconds = qMax(10, seconds);
    update();
}

double RateChart::latest(const QString &key) const
{
    if (m_samples.isEmpty()) return 0;
    for (int i = 0; i < m_series.size(); ++i) {
        if (m_series.at(i).key == key) return m_samples.last().values.value(i);
    }
    return 0;
}

double RateChart::niceCeiling(double value)
{
    if (!(value > 0)) return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (value <= step * magnitude) return step * magnitude;
    }
    return 10 * magnitude;
}

int RateChart::shownSeconds() const
{
    // A young chart shows what it has: at least a minute, growing to the full window.
    if (m_samples.size() < 2) return qMin(60, m_windowSeconds);
    const qint64 span = (m_samples.last().time - m_samples.first().time) / 1000;
    const int minute = qMin(60, m_windowSeconds);
    if (span <= minute) return minute;
    // Whole minutes, so the axis labels stay round.
    return int(qMin<qint64>(m_windowSeconds, (span + 59) / 60 * 60));
}

double RateChart::axisMax() const
{
    if (m_samples.isEmpty()) return 1;
    const qint64 from = m_samples.last().time - qint64(shownSeconds()) * 1000;
    double peak = 0;
    for (const Sample &s : m_samples) {
        if (s.time < from) continue;
        for (double v : s.values) peak = qMax(peak, v);
    }
    return niceCeiling(peak * 1.05);
}

void RateChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.base());

    const QFontMetrics fm = fontMetrics();
    const int lineH = fm.height();
    const double top = lineH * 2 + 6;
    const double left = fm.horizontalAdvance(QStringLiteral("00000.0")) + 8;
    const double right = width() - 10.0;
    const double bottom = height() - lineH - 6.0;
    const QRectF plot(QPointF(left, top), QPointF(right, bottom));

    // Title, then the legend with each line's latest value.
    QFont titleFont = font();
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QPointF(8, lineH), m_title);
    p.setFont(font());
    double x = 8;
    const QLocale locale;
    for (int i = 0; i < m_series.size(); ++i) {
        const Series &s = m_series.at(i);
        const double v = m_samples.isEmpty() ? 0 : m_samples.last().values.value(i);
        const QString text = s.label + QStringLiteral(": ")
                           + locale.toString(v, 'f', v < 10 && v != std::floor(v) ? 1 : 0) + m_suffix;
        p.fillRect(QRectF(x, lineH + 6, 10, 10), s.color);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QPointF(x + 14, lineH * 2 + 2), text);
        x += 14 + fm.horizontalAdvance(text) + 14;
    }

    if (plot.width() < 10 || plot.height() < 10) return;

    // Grid and y labels at round steps: 0, 2, 4, ... not 0, 2.5, 5, ...
    const double yMax = axisMax();
    const double step = niceCeiling(yMax / 5.0);
    const int ticks = qMax(1, int(std::round(yMax / step)));
    for (int i = 0; i <= ticks; ++i) {
        const double value = step * i;
        const double y = plot.bottom() - plot.height() * value / yMax;
        p.setPen(QPen(pal.color(QPalette::Mid), 0, Qt::DotLine));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRectF(0, y - lineH / 2.0, left - 6, lineH), Qt::AlignRight | Qt::AlignVCenter,
                   locale.toString(value, 'f', step < 1 ? (step < 0.1 ? 2 : 1) : 0));
    }
    p.setPen(QPen(pal.color(QPalette::Dark), 1));
    p.drawRect(plot);

    // X axis: time before now, one label a minute (or per fifth of the window).
    const qint64 now = m_samples.isEmpty() ? 0 : m_samples.last().time;
    const int windowSeconds = shownSeconds();
    const qint64 windowMs = qint64(windowSeconds) * 1000;
    const qint64 from = now - windowMs;
    p.setPen(pal.color(QPalette::Text));
    for (int i = 0; i <= 5; ++i) {
        const double xPos = plot.left() + plot.width() * i / 5.0;
        const int secondsAgo = windowSeconds * (5 - i) / 5;
        const QString label = secondsAgo == 0      ? tr("now")
                            : secondsAgo % 60 == 0 ? tr("-%1 min").arg(secondsAgo / 60)
                                                   : tr("-%1 s").arg(secondsAgo);
        const double w = fm.horizontalAdvance(label);
        p.drawText(QPointF(qBound(0.0, xPos - w / 2, width() - w), height() - 4.0), label);
    }

    if (m_samples.size() < 1) return;
    auto toPoint = [&](qint64 t, double v) {
        return QPointF(plot.left() + plot.width() * double(t - from) / double(windowMs),
                       plot.bottom() - plot.height() * (v / yMax));
    };
    p.setClipRect(plot.adjusted(0, -2, 0, 0));
    for (int i = m_series.size() - 1; i >= 0; --i) {
        QPainterPath line;
        bool started = false;
        for (const Sample &s : qAsConst(m_samples)) {
            if (s.time < from - 2000) continue;
            const QPointF pt = toPoint(s.time, s.values.value(i));
            if (!started) {
                line.moveTo(pt);
                started = true;
            } else
                line.lineTo(pt);
        }
        if (!started) continue;
        // A light fill under the first series gives the chart a body.
        if (i == 0) {
            QPainterPath area = line;
            area.lineTo(QPointF(area.currentPosition().x(), plot.bottom()));
            area.lineTo(QPointF(line.elementAt(0).x, plot.bottom()));
            area.closeSubpath();
            QColor fill = m_series.at(i).color;
            fill.setAlpha(40);
            p.fillPath(area, fill);
        }
        p.setPen(QPen(m_series.at(i).color, 2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(line);
    }
}

} // namespace switchboard
