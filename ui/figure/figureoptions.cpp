#include "ui/figure/figureoptions.h"

#include "ui/figure/colormaps.h"

#include <QSettings>
#include <algorithm>
#include <array>
#include <qcustomplot.h>

namespace attnscope {

namespace {

struct Stop {
    double r, g, b;
};

// matplotlib's viridis and magma (van der Walt & Smith, lib/matplotlib/_cm_listed.py): entries
// 0, 16, 32, ..., 240 and 255 of the 256-entry tables, placed at index / 255. Linear RGB
// interpolation between them stays within about 1/255 of the full tables.
constexpr std::array<Stop, 17> kViridis{{
    {0.267004, 0.004874, 0.329415},
    {0.282327, 0.094955, 0.417331},
    {0.278826, 0.175490, 0.483397},
    {0.258965, 0.251537, 0.524736},
    {0.229739, 0.322361, 0.545706},
    {0.199430, 0.387607, 0.554642},
    {0.172719, 0.448791, 0.557885},
    {0.149039, 0.508051, 0.557250},
    {0.127568, 0.566949, 0.550556},
    {0.120638, 0.625828, 0.533488},
    {0.157851, 0.683765, 0.501686},
    {0.246070, 0.738910, 0.452024},
    {0.369214, 0.788888, 0.382914},
    {0.515992, 0.831158, 0.294279},
    {0.678489, 0.863742, 0.189503},
    {0.845561, 0.887322, 0.099702},
    {0.993248, 0.906157, 0.143936},
}};

constexpr std::array<Stop, 17> kMagma{{
    {0.001462, 0.000466, 0.013866},
    {0.039608, 0.031090, 0.133515},
    {0.113094, 0.065492, 0.276784},
    {0.211718, 0.061992, 0.418647},
    {0.316654, 0.071690, 0.485380},
    {0.414709, 0.110431, 0.504662},
    {0.512831, 0.148179, 0.507648},
    {0.613617, 0.181811, 0.498536},
    {0.716387, 0.214982, 0.475290},
    {0.816914, 0.255895, 0.436461},
    {0.904281, 0.319610, 0.388137},
    {0.960949, 0.418323, 0.359630},
    {0.986700, 0.535582, 0.382210},
    {0.996096, 0.653659, 0.446213},
    {0.996898, 0.769591, 0.534892},
    {0.992440, 0.884330, 0.640099},
    {0.987053, 0.991438, 0.749504},
}};

QCPColorGradient fromTable(const std::array<Stop, 17>& table) {
    QCPColorGradient gradient;
    gradient.clearColorStops();
    for (std::size_t i = 0; i < table.size(); ++i) {
        const double position = i + 1 == table.size() ? 1.0 : double(i * 16) / 255.0;
        gradient.setColorStopAt(
            position, QColor::fromRgbF(float(table[i].r), float(table[i].g), float(table[i].b)));
    }
    return gradient;
}

QCPColorGradient finish(QCPColorGradient gradient) {
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    // 256 levels like matplotlib's tables; the colour of a cell is looked up, not blended.
    gradient.setLevelCount(256);
    gradient.setPeriodic(false);
    return gradient;
}

} // namespace

QString colorMapKey(ColorMap map) {
    switch (map) {
    case ColorMap::Viridis:
        return QStringLiteral("viridis");
    case ColorMap::Magma:
        return QStringLiteral("magma");
    case ColorMap::Grayscale:
        return QStringLiteral("grayscale");
    case ColorMap::Diverging:
        return QStringLiteral("diverging");
    }
    return QStringLiteral("viridis");
}

QStringList colorMapKeys() {
    return {colorMapKey(ColorMap::Viridis), colorMapKey(ColorMap::Magma),
            colorMapKey(ColorMap::Grayscale), colorMapKey(ColorMap::Diverging)};
}

bool parseColorMap(const QString& key, ColorMap* map) {
    for (const ColorMap candidate :
         {ColorMap::Viridis, ColorMap::Magma, ColorMap::Grayscale, ColorMap::Diverging}) {
        if (key == colorMapKey(candidate)) {
            if (map != nullptr)
                *map = candidate;
            return true;
        }
    }
    return false;
}

FigureOptions readFigureOptions(const QSettings& settings) {
    FigureOptions options;
    parseColorMap(settings.value(QStringLiteral("figure/colorMap"), colorMapKey(ColorMap::Viridis))
                      .toString(),
                  &options.colorMap);
    options.scale = settings.value(QStringLiteral("figure/log"), false).toBool()
                        ? ValueScale::Log
                        : ValueScale::Linear;
    options.range = settings.value(QStringLiteral("figure/perHead"), false).toBool()
                        ? RangeMode::PerHead
                        : RangeMode::Shared;
    options.hideSpecial = settings.value(QStringLiteral("figure/hideSpecial"), false).toBool();
    return options;
}

void writeFigureOptions(QSettings& settings, const FigureOptions& options) {
    settings.setValue(QStringLiteral("figure/colorMap"), colorMapKey(options.colorMap));
    settings.setValue(QStringLiteral("figure/log"), options.scale == ValueScale::Log);
    settings.setValue(QStringLiteral("figure/perHead"), options.range == RangeMode::PerHead);
    settings.setValue(QStringLiteral("figure/hideSpecial"), options.hideSpecial);
}

QCPColorGradient divergingGradient(double center) {
    // ColorBrewer RdBu (Brewer 2002), blue below the centre, red above, white at the centre.
    center = std::clamp(center, 0.0, 1.0);
    QCPColorGradient gradient;
    gradient.clearColorStops();
    const QColor blue(0x21, 0x66, 0xac), lightBlue(0x92, 0xc5, 0xde), white(0xff, 0xff, 0xff),
        lightRed(0xf4, 0xa5, 0x82), red(0xb2, 0x18, 0x2b);
    if (center > 0.0) {
        gradient.setColorStopAt(0.0, blue);
        gradient.setColorStopAt(center * 0.5, lightBlue);
    }
    gradient.setColorStopAt(center, white);
    if (center < 1.0) {
        gradient.setColorStopAt(center + (1.0 - center) * 0.5, lightRed);
        gradient.setColorStopAt(1.0, red);
    }
    return finish(gradient);
}

QCPColorGradient colorGradient(ColorMap map) {
    switch (map) {
    case ColorMap::Viridis:
        return finish(fromTable(kViridis));
    case ColorMap::Magma:
        return finish(fromTable(kMagma));
    case ColorMap::Grayscale: {
        QCPColorGradient gradient;
        gradient.clearColorStops();
        gradient.setColorStopAt(0.0, Qt::white);
        gradient.setColorStopAt(1.0, Qt::black);
        return finish(gradient);
    }
    case ColorMap::Diverging:
        return divergingGradient(0.5);
    }
    return finish(fromTable(kViridis));
}

} // namespace attnscope
