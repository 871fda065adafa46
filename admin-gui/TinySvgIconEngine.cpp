#include "TinySvgIconEngine.h"

#include <QFile>
#include <QPainter>
#include <QPixmap>
#include <QRegularExpression>
#include <QXmlStreamReader>

namespace switchboard {

namespace {

struct Style
{
    QString fill = QStringLiteral("black");
    QString stroke = QStringLiteral("none");
    double strokeWidth = 1;
    QString lineCap = QStringLiteral("butt");
    QString lineJoin = QStringLiteral("miter");
    double opacity = 1;
};

Style inherit(const Style &parent, const QXmlStreamAttributes &a)
{
    Style s = parent;
    if (a.hasAttribute(QLatin1String("fill"))) s.fill = a.value(QLatin1String("fill")).toString();
    if (a.hasAttribute(QLatin1String("stroke"))) s.stroke = a.value(QLatin1String("stroke")).toString();
    if (a.hasAttribute(QLatin1String("stroke-width")))
        s.strokeWidth = a.value(QLatin1String("stroke-width")).toDouble();
    if (a.hasAttribute(QLatin1String("stroke-linecap")))
        s.lineCap = a.value(QLatin1String("stroke-linecap")).toString();
    if (a.hasAttribute(QLatin1String("stroke-linejoin")))
        s.lineJoin = a.value(QLatin1String("stroke-linejoin")).toString();
    if (a.hasAttribute(QLatin1String("opacity"))) s.opacity = a.value(QLatin1String("opacity")).toDouble();
    return s;
}

QColor color(const QString &spec, double opacity)
{
    QColor c(spec);
    if (c.isValid()) c.setAlphaF(float(c.alphaF() * opacity));
    return c;
}

double num(const QXmlStreamAttributes &a, const char *name)
{
    return a.value(QLatin1String(name)).toDouble();
}

QList<double> numbers(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?"));
    QList<double> out;
    auto it = re.globalMatch(s);
    while (it.hasNext()) out.append(it.next().captured().toDouble());
    return out;
}

} // namespace

TinySvgIconEngine::TinySvgIconEngine(const QString &fileName)
{
    load(fileName);
}

QPainterPath TinySvgIconEngine::parsePathData(const QString &d)
{
    static const QRegularExpression token(
        QStringLiteral("([MmLlHhVvCcQqZz])|([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)"));
    QPainterPath path;
    QChar cmd;
    QList<double> args;
    QPointF cur, start;

    auto flush = [&](bool final) {
        Q_UNUSED(final);
        if (cmd.isNull()) return;
        const bool rel = cmd.isLower();
        const QChar c = cmd.toUpper();
        auto pt = [&](double x, double y) { return rel ? cur + QPointF(x, y) : QPointF(x, y); };
        int i = 0;
        if (c == QLatin1Char('Z')) {
            path.closeSubpath();
            cur = start;
        } else if (c == QLatin1Char('M')) {
            bool first = true;
            for (; i + 1 < args.size(); i += 2) {
                cur = pt(args[i], args[i + 1]);
                if (first) {
                    path.moveTo(cur);
                    start = cur;
                    first = false;
                } else
                    path.lineTo(cur);
            }
        } else if (c == QLatin1Char('L')) {
            for (; i + 1 < args.size(); i += 2) {
                cur = pt(args[i], args[i + 1]);
                path.lineTo(cur);
            }
        } else if (c == QLatin1Char('H')) {
            for (; i < args.size(); ++i) {
                cur.setX(rel ? cur.x() + args[i] : args[i]);
                path.lineTo(cur);
            }
        } else if (c == QLatin1Char('V')) {
            for (; i < args.size(); ++i) {
                cur.setY(rel ? cur.y() + args[i] : args[i]);
                path.lineTo(cur);
            }
        } else if (c == QLatin1Char('C')) {
            for (; i + 5 < args.size(); i += 6) {
                const QPointF c1 = pt(args[i], args[i + 1]), c2 = pt(args[i + 2], args[i + 3]),
                              e = pt(args[i + 4], args[i + 5]);
                path.cubicTo(c1, c2, e);
                cur = e;
            }
        } else if (c == QLatin1Char('Q')) {
            for (; i + 3 < args.size(); i += 4) {
                const QPointF c1 = pt(args[i], args[i + 1]), e = pt(args[i + 2], args[i + 3]);
                path.quadTo(c1, e);
                cur = e;
            }
        }
        args.clear();
    };

    auto it = token.globalMatch(d);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedLength(1)) {
            flush(false);
            cmd = m.captured(1).at(0);
            if (cmd.toUpper() == QLatin1Char('Z')) {
                flush(false);
                cmd = QChar();
            }
        } else {
            args.append(m.captured(2).toDouble());
        }
    }
    flush(true);
    return path;
}

void TinySvgIconEngine::load(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) return;
    QXmlStreamReader xml(&file);
    QList<Style> stack{Style()};
    while (!xml.atEnd()) {
        const auto token = xml.readNext();
        if (token == QXmlStreamReader::EndElement) {
            if (stack.size() > 1) stack.removeLast();
            continue;
        }
        if (token != QXmlStreamReader::StartElement) continue;
        const QXmlStreamAttributes a = xml.attributes();
        const Style style = inherit(stack.last(), a);
        stack.append(style);
        const auto name = xml.name();
        QPainterPath path;
        if (name == QLatin1String("svg")) {
            const QList<double> vb = numbers(a.value(QLatin1String("viewBox")).toString());
            if (vb.size() == 4 && vb[2] > 0 && vb[3] > 0) m_viewBox = QRectF(vb[0], vb[1], vb[2], vb[3]);
            continue;
        } else if (name == QLatin1String("rect")) {
            const double rx = num(a, "rx");
            path.addRoundedRect(QRectF(num(a, "x"), num(a, "y"), num(a, "width"), num(a, "height")), rx,
                                a.hasAttribute(QLatin1String("ry")) ? num(a, "ry") : rx);
        } else if (name == QLatin1String("circle")) {
            const double r = num(a, "r");
            path.addEllipse(QPointF(num(a, "cx"), num(a, "cy")), r, r);
        } else if (name == QLatin1String("ellipse")) {
            path.addEllipse(QPointF(num(a, "cx"), num(a, "cy")), num(a, "rx"), num(a, "ry"));
        } else if (name == QLatin1String("line")) {
            path.moveTo(num(a, "x1"), num(a, "y1"));
            path.lineTo(num(a, "x2"), num(a, "y2"));
        } else if (name == QLatin1String("polyline") || name == QLatin1String("polygon")) {
            const QList<double> p = numbers(a.value(QLatin1String("points")).toString());
            for (int i = 0; i + 1 < p.size(); i += 2) {
                if (i == 0)
                    path.moveTo(p[i], p[i + 1]);
                else
                    path.lineTo(p[i], p[i + 1]);
            }
            if (name == QLatin1String("polygon")) path.closeSubpath();
        } else if (name == QLatin1String("path")) {
            path = parsePathData(a.value(QLatin1String("d")).toString());
        } else {
            continue;
        }
        Shape shape;
        shape.path = path;
        const QColor fill = style.fill == QLatin1String("none") ? QColor() : color(style.fill, style.opacity);
        shape.brush = fill.isValid() ? QBrush(fill) : QBrush(Qt::NoBrush);
        const QColor stroke = style.stroke == QLatin1String("none") ? QColor() : color(style.stroke, style.opacity);
        if (stroke.isValid()) {
            QPen pen(stroke, style.strokeWidth);
            pen.setCapStyle(style.lineCap == QLatin1String("round")    ? Qt::RoundCap
                            : style.lineCap == QLatin1String("square") ? Qt::SquareCap
                                                                       : Qt::FlatCap);
            pen.setJoinStyle(style.lineJoin == QLatin1String("round")   ? Qt::RoundJoin
                             : style.lineJoin == QLatin1String("bevel") ? Qt::BevelJoin
                                                                        : Qt::MiterJoin);
            shape.pen = pen;
        } else {
            shape.pen = QPen(Qt::NoPen);
        }
        m_shapes.append(shape);
    }
}

void TinySvgIconEngine::paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const double scale = qMin(rect.width() / m_viewBox.width(), rect.height() / m_viewBox.height());
    painter->translate(rect.center().x() + 0.5 - m_viewBox.center().x() * scale,
                       rect.center().y() + 0.5 - m_viewBox.center().y() * scale);
    painter->scale(scale, scale);
    if (mode == QIcon::Disabled) painter->setOpacity(0.35);
    for (const Shape &s : qAsConst(m_shapes)) {
        painter->setPen(s.pen);
        painter->setBrush(s.brush);
        painter->drawPath(s.path);
    }
    painter->restore();
}

QPixmap TinySvgIconEngine::pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state)
{
    QPixmap pm(size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    paint(&p, QRect(QPoint(0, 0), size), mode, state);
    return pm;
}

QIconEngine *TinySvgIconEngine::clone() const
{
    auto *copy = new TinySvgIconEngine;
    copy->m_viewBox = m_viewBox;
    copy->m_shapes = m_shapes;
    return copy;
}

} // namespace switchboard
