#pragma once

#include <QColor>
#include <QList>
#include <QMap>
#include <QWidget>

namespace switchboard {

// A small live line chart drawn with QPainter (Qt Charts is not available
// here): a sliding time window of samples, one line per series, an
// automatically scaled y axis with round tick values and a legend that shows
// the latest value of each line.
class RateChart : public QWidget
{
    Q_OBJECT
public:
    static constexpr int MaxSamples = 3600; // an hour at one sample a second

    explicit RateChart(const QString &title, QWidget *parent = nullptr);

    // Declares a series up front (fixes its order and colour). Keys that
    // show up in addSample() without this get the next palette colour.
    void addSeries(const QString &key, const QString &label, const QColor &color);
    void addSample(qint64 timeMs, const QMap<QString, double> &values);
    void clear();

    void setWindowSeconds(int seconds);
    int windowSeconds() const { return m_windowSeconds; }
    // The span the x axis covers now: the window, or less while the history is short.
    int shownSeconds() const;
    void setValueSuffix(const QString &suffix)
    {
        m_suffix = suffix;
        update();
    }

    int sampleCount() const { return int(m_samples.size()); }
    int seriesCount() const { return int(m_series.size()); }
    double latest(const QString &key) const;
    // The top of the y axis as last painted: a "nice" number above the peak.
    double axisMax() const;
    static double niceCeiling(double value);

    QSize sizeHint() const override { return QSize(480, 200); }
    QSize minimumSizeHint() const override { return QSize(240, 120); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Series
    {
        QString key;
        QString label;
        QColor color;
    };
    struct Sample
    {
        qint64 time;
        QList<double> values;
    };

    int seriesIndex(const QString &key);

    QString m_title;
    QString m_suffix;
    QList<Series> m_series;
    QList<Sample> m_samples;
    int m_windowSeconds = 300;
};

} // namespace switchboard
