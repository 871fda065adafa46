#pragma once

#include <QIconEngine>
#include <QPainterPath>
#include <QPen>
#include <QBrush>
#include <QList>
#include <QRectF>

namespace switchboard {

// Draws the console's own icons when Qt's SVG plugin is not installed
// (Debian's qt6-svg is optional). It understands the small subset of SVG
// our icons use: rect, circle, ellipse, line, polyline, polygon and path
// (M L H V C Q Z, absolute and relative) with fill and stroke attributes,
// grouped with <g>. Anything else is skipped, never fatal.
class TinySvgIconEngine : public QIconEngine
{
public:
    struct Shape
    {
        QPainterPath path;
        QPen pen;
        QBrush brush;
    };

    explicit TinySvgIconEngine(const QString &fileName);

    bool isNull() override { return m_shapes.isEmpty(); }
    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QIconEngine *clone() const override;
    QString key() const override { return QStringLiteral("TinySvgIconEngine"); }

    // Exposed for tests: how many shapes the file produced.
    int shapeCount() const { return int(m_shapes.size()); }
    static QPainterPath parsePathData(const QString &d);

private:
    TinySvgIconEngine() = default;
    void load(const QString &fileName);

    QRectF m_viewBox{0, 0, 24, 24};
    QList<Shape> m_shapes;
};

} // namespace switchboard
